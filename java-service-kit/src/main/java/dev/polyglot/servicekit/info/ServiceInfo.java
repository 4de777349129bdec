package dev.polyglot.servicekit.info;

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
 */
public record ServiceInfo(
        String service,
        String version,
        String language,
        String runtime,
        String framework,
        String instanceId,
        Instant startedAt) {
}
