package com.example.delaywatch;

import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** application.yaml's {@code delay-watch.*}: where the platform is and the service's own account on it. */
@ConfigurationProperties("delay-watch")
public record DelayWatchProperties(String gatewayUrl, String email, String password, BigDecimal atRiskProbability) {
}
