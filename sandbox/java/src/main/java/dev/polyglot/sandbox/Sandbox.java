package dev.polyglot.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a sandbox platform answers and how to sign in as its bootstrap admin: what {@code ./platform sandbox start}
 * prints, or what the settings of a running platform say when the extension attaches to it. A test asks for it as a
 * parameter to configure the code it tests (the gateway URL, the Redis URL).
 *
 * @param serviceUrls  each service's own URL by part name (empty when attached: only the gateway is known)
 * @param faultsUrl    the fault proxy's API; empty when the platform runs without it
 * @param dataDir      the sandbox's data folder (logs under it); empty when attached
 * @param startedInSeconds how long the start took (0 when attached)
 */
public record Sandbox(
        String gatewayUrl,
        Map<String, String> serviceUrls,
        String redisUrl,
        Optional<String> faultsUrl,
        Optional<Path> dataDir,
        String adminEmail,
        String adminPassword,
        double startedInSeconds) {

    /** System properties (first) and environment variables naming a running platform to attach to. */
    static final String GATEWAY_URL = "platform.gateway.url";
    static final String REDIS_URL = "platform.redis.url";
    static final String ADMIN_EMAIL = "platform.admin.email";
    static final String ADMIN_PASSWORD = "platform.admin.password";
    static final String FAULTS_URL = "platform.faults.url";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public Sandbox {
        serviceUrls = Map.copyOf(serviceUrls);
    }

    @Override
    public String toString() {
        // Never the admin password: a test report prints parameters.
        return "Sandbox[gateway " + gatewayUrl + ", redis " + redisUrl + faultsUrl.map(url -> ", faults " + url)
                .orElse("") + dataDir.map(dir -> ", data " + dir).orElse("") + "]";
    }

    /** The one line of JSON {@code ./platform sandbox start} prints on stdout. */
    static Sandbox fromStartLine(String line) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JacksonException notJson) {
            throw new IllegalStateException("./platform sandbox start printed no JSON: '" + line + "'", notJson);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalStateException("./platform sandbox start printed no JSON object: '" + line + "'");
        }
        Map<String, String> services = new LinkedHashMap<>();
        json.path("service_urls").properties().forEach(service -> services.put(service.getKey(),
                service.getValue().asString()));
        String faults = json.path("faults_url").asString("");
        String dataDir = required(json, "data_dir");
        return new Sandbox(withoutTrailingSlash(required(json, "gateway_url")), services, required(json, "redis_url"),
                faults.isBlank() ? Optional.empty() : Optional.of(withoutTrailingSlash(faults)),
                Optional.of(Path.of(dataDir)), required(json, "admin_email"), required(json, "admin_password"),
                json.path("started_in_seconds").asDouble(0));
    }

    /**
     * The running platform the settings name ({@code platform.gateway.url} and the others, from {@code setting}: a
     * system property, else the environment variable of the same name in upper case with underscores); empty when
     * no gateway URL is set.
     */
    static Optional<Sandbox> attachedTo(UnaryOperator<String> setting) {
        String gateway = setting.apply(GATEWAY_URL);
        if (gateway == null || gateway.isBlank()) {
            return Optional.empty();
        }
        StringBuilder missing = new StringBuilder();
        for (String name : new String[] {REDIS_URL, ADMIN_EMAIL, ADMIN_PASSWORD}) {
            String value = setting.apply(name);
            if (value == null || value.isBlank()) {
                missing.append(missing.isEmpty() ? "" : ", ").append(name).append(" (").append(variableOf(name))
                        .append(')');
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(GATEWAY_URL + " is set, so the tests attach to that platform, but "
                    + missing + " is not: the awaiter reads its Redis and admins are made by its bootstrap admin");
        }
        String faults = setting.apply(FAULTS_URL);
        return Optional.of(new Sandbox(withoutTrailingSlash(gateway), Map.of(), setting.apply(REDIS_URL),
                faults == null || faults.isBlank() ? Optional.empty() : Optional.of(withoutTrailingSlash(faults)),
                Optional.empty(), setting.apply(ADMIN_EMAIL), setting.apply(ADMIN_PASSWORD), 0));
    }

    /** A system property, else its environment variable ({@code platform.gateway.url}: PLATFORM_GATEWAY_URL). */
    static String setting(String name) {
        String property = System.getProperty(name);
        return property != null && !property.isBlank() ? property : System.getenv(variableOf(name));
    }

    static String variableOf(String property) {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
    }

    private static String required(JsonNode json, String member) {
        JsonNode value = json.get(member);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            // The members' names only: the line carries the admin password.
            throw new IllegalStateException("./platform sandbox start printed no " + member + " (members: "
                    + json.propertyNames() + ")");
        }
        return value.asString();
    }

    private static String withoutTrailingSlash(String url) {
        return url.replaceAll("/+$", "");
    }
}
