package dev.polyglot.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxFaultsTest {

    private static final List<String> LINKS = List.of("auth-service", "inference-bridge", "postgres-auth",
            "postgres-reporting", "redis");

    @Test
    void aLinkIsItselfOrTheGroupItNames() {
        assertThat(SandboxFaults.resolve("redis", LINKS)).containsExactly("redis");
        assertThat(SandboxFaults.resolve("postgres", LINKS)).containsExactly("postgres-auth", "postgres-reporting");
        assertThat(SandboxFaults.resolve("postgres-auth", LINKS)).containsExactly("postgres-auth");
    }

    @Test
    void anUnknownLinkIsRefusedListingTheLinks() {
        assertThatThrownBy(() -> SandboxFaults.resolve("reporting", LINKS))
                .hasMessage("no link 'reporting'; links: auth-service, inference-bridge, postgres-auth, "
                        + "postgres-reporting, redis");
    }
}
