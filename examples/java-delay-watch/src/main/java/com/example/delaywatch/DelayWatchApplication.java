package com.example.delaywatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DelayWatchApplication {

    public static void main(String[] args) {
        SpringApplication.run(DelayWatchApplication.class, args);
    }
}
