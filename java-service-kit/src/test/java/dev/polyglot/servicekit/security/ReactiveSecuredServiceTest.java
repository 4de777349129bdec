package dev.polyglot.servicekit.security;

import dev.polyglot.servicekit.security.app.SecuredApplication;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=reactive")
class ReactiveSecuredServiceTest extends SecuredServiceContract {

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        properties(registry);
    }

    /**
     * WebFlux's firewall reads every query parameter name of every request (the servlet one only those the application
     * asks for): one with a control character is refused, and the refusal must be the problem.
     */
    @Test
    void aControlCharacterInAQueryParameterNameIsA400Problem() {
        String token = userToken();
        assertRefused(token, List.of(
                // What the fuzzer sent: a parameter name with U+0017 (the application would have ignored it).
                http.get("/api/demo/me?%C3%B8%17=1", "Authorization", "Bearer " + token)));
    }
}
