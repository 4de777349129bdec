package com.example.delaywatch;

import dev.polyglot.client.auth.api.TokensApi;
import dev.polyglot.client.auth.model.LoginRequest;
import dev.polyglot.client.auth.model.TokenResponse;
import dev.polyglot.client.inference.api.JobsApi;
import dev.polyglot.client.inference.model.JobResult;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Reads a job's predictions through the platform's gateway with the generated client, signed in as the service's own
 * account. The token is kept until shortly before it expires: sign-ins are rate-limited per address at the gateway.
 */
@Component
class JobResults {

    private static final long RENEW_SECONDS_BEFORE_EXPIRY = 30;

    private final DelayWatchProperties properties;
    private String token;
    private Instant renewAt = Instant.MIN;

    JobResults(DelayWatchProperties properties) {
        this.properties = properties;
    }

    JobResult of(UUID jobId) {
        var inference = new dev.polyglot.client.inference.ApiClient().setBasePath(properties.gatewayUrl());
        inference.setBearerToken(token());
        return new JobsApi(inference).getInferenceJobResult(jobId, "json");
    }

    private synchronized String token() {
        if (Instant.now().isAfter(renewAt)) {
            TokenResponse tokens = new TokensApi(new dev.polyglot.client.auth.ApiClient()
                    .setBasePath(properties.gatewayUrl()))
                    .login(new LoginRequest().email(properties.email()).password(properties.password()));
            token = tokens.getAccessToken();
            renewAt = Instant.now().plusSeconds(tokens.getExpiresIn() - RENEW_SECONDS_BEFORE_EXPIRY);
        }
        return token;
    }
}
