package dev.polyglot.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SandboxTest {

    private static final String START_LINE = """
            {"gateway_url": "http://127.0.0.1:41001/", "service_urls": {"auth-service": "http://127.0.0.1:41002",\
             "inference-bridge": "http://127.0.0.1:41004"}, "redis_url": "redis://127.0.0.1:41010/0",\
             "faults_url": "", "data_dir": "/tmp/platform-sandbox-1", "admin_email": "sandbox-admin@example.com",\
             "admin_password": "s3cret-admin", "started_in_seconds": 12.3}""";

    @Test
    void theStartLineGivesEveryAddressAndTheAdmin() {
        Sandbox sandbox = Sandbox.fromStartLine(START_LINE);

        assertThat(sandbox.gatewayUrl()).isEqualTo("http://127.0.0.1:41001");
        assertThat(sandbox.serviceUrls()).containsOnly(Map.entry("auth-service", "http://127.0.0.1:41002"),
                Map.entry("inference-bridge", "http://127.0.0.1:41004"));
        assertThat(sandbox.redisUrl()).isEqualTo("redis://127.0.0.1:41010/0");
        assertThat(sandbox.faultsUrl()).isEmpty();
        assertThat(sandbox.dataDir()).contains(Path.of("/tmp/platform-sandbox-1"));
        assertThat(sandbox.adminEmail()).isEqualTo("sandbox-admin@example.com");
        assertThat(sandbox.adminPassword()).isEqualTo("s3cret-admin");
        assertThat(sandbox.startedInSeconds()).isEqualTo(12.3);
    }

    @Test
    void aFaultsUrlIsKeptWithoutItsTrailingSlash() {
        Sandbox sandbox = Sandbox.fromStartLine(START_LINE.replace("\"faults_url\": \"\"",
                "\"faults_url\": \"http://127.0.0.1:41020/\""));

        assertThat(sandbox.faultsUrl()).contains("http://127.0.0.1:41020");
    }

    @Test
    void aLineMissingAMemberIsRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> Sandbox.fromStartLine(START_LINE.replace("\"redis_url\"", "\"redis\"")))
                .hasMessageContaining("no redis_url").hasMessageNotContaining("s3cret-admin");
        assertThatThrownBy(() -> Sandbox.fromStartLine("starting...")).hasMessageContaining("no JSON");
    }

    @Test
    void theTextOfASandboxNeverCarriesThePassword() {
        assertThat(Sandbox.fromStartLine(START_LINE).toString()).contains("http://127.0.0.1:41001")
                .doesNotContain("s3cret-admin");
    }

    @Test
    void theJsonLineIsTheLastObjectLineOfTheOutput() {
        assertThat(SandboxLauncher.lastJsonLine("building...\n" + START_LINE + "\n\n")).isEqualTo(START_LINE);
        assertThatThrownBy(() -> SandboxLauncher.lastJsonLine("nothing\n")).hasMessageContaining("no line of JSON");
    }

    @Test
    void attachingNeedsTheGatewayRedisAndAdmin() {
        Map<String, String> settings = Map.of(Sandbox.GATEWAY_URL, "http://localhost:8080/",
                Sandbox.REDIS_URL, "redis://localhost:6379/0", Sandbox.ADMIN_EMAIL, "admin@example.com",
                Sandbox.ADMIN_PASSWORD, "pw");

        Optional<Sandbox> attached = Sandbox.attachedTo(settings::get);

        assertThat(attached).get().satisfies(sandbox -> {
            assertThat(sandbox.gatewayUrl()).isEqualTo("http://localhost:8080");
            assertThat(sandbox.dataDir()).isEmpty();
            assertThat(sandbox.faultsUrl()).isEmpty();
        });
        assertThat(Sandbox.attachedTo(name -> null)).isEmpty();
        assertThatThrownBy(() -> Sandbox.attachedTo(Map.of(Sandbox.GATEWAY_URL, "http://localhost:8080")::get))
                .hasMessageContaining("platform.redis.url (PLATFORM_REDIS_URL)")
                .hasMessageContaining("platform.admin.password (PLATFORM_ADMIN_PASSWORD)");
    }
}
