package dev.polyglot.auth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Identity for the platform: users, tokens, and the public keys that let every service verify them. */
@SpringBootApplication
@EnableScheduling // the outbox relay
public class AuthServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(AuthServiceApplication.class, args);
    }
}
