package dev.polyglot.servicekit.info;

import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/**
 * What {@code GET <api-prefix>/service-info} answers; every service of the platform, in any language, answers
 * the same shape (field names in snake_case on the wire, like every JSON of the platform).
 *
 * @param service    the service's name, e.g. {@code auth-service}
 * @param version    the version it was built as
 * @param language   {@code java}
 * @param runtime    e.g. {@code Java 17.0.15}
 * @param framework  e.g. {@code Spring Boot 4.1.2}
 * @param instanceId which running copy answered (INSTANCE_ID, else host name and process id)
 * @param startedAt  when that copy started, UTC
 *
 * <p>{@code @NotNull} marks every field required in the live OpenAPI document, as in the contract
 * (contracts/schemas/service-info.schema.json).
 */
public record ServiceInfo(
        @NotNull String service,
        @NotNull String version,
        @NotNull String language,
        @NotNull String runtime,
        @NotNull String framework,
        @NotNull String instanceId,
        @NotNull Instant startedAt) {
}
