package dev.polyglot.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** HSTS only where it means something (https), and a header a service already set is kept. */
class SecurityHeadersFilterTest {

    @Test
    void hstsIsWrittenOnHttpsOnly() {
        assertThat(answer("https://gateway.example/api/auth/me").getFirst("Strict-Transport-Security"))
                .isEqualTo(SecurityHeadersFilter.HSTS);
        assertThat(answer("http://gateway.example/api/auth/me").containsHeader("Strict-Transport-Security"))
                .isFalse();
    }

    @Test
    void everyAnswerGetsTheHeadersAndAServicesOwnAreKept() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/docs/index.html"));
        new SecurityHeadersFilter().filter(exchange, served -> {
            served.getResponse().getHeaders().set("X-Frame-Options", "SAMEORIGIN");
            return Mono.empty();
        }).then(exchange.getResponse().setComplete()).block();

        HttpHeaders headers = exchange.getResponse().getHeaders();
        assertThat(headers.getFirst("X-Frame-Options")).isEqualTo("SAMEORIGIN");
        assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(headers.getFirst("Referrer-Policy")).isEqualTo("strict-origin-when-cross-origin");
        assertThat(headers.getFirst("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.PAGE_POLICY);
    }

    private static HttpHeaders answer(String uri) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(uri));
        new SecurityHeadersFilter().filter(exchange, served -> Mono.empty())
                .then(exchange.getResponse().setComplete()).block();
        return exchange.getResponse().getHeaders();
    }
}
