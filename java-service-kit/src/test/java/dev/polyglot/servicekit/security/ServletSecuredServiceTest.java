package dev.polyglot.servicekit.security;

import dev.polyglot.servicekit.security.app.SecuredApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=servlet")
class ServletSecuredServiceTest extends SecuredServiceContract {

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        properties(registry);
    }
}
