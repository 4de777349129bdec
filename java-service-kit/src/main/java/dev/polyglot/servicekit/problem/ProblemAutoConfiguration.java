package dev.polyglot.servicekit.problem;

import dev.polyglot.servicekit.problem.reactive.ProblemWebExceptionHandler;
import dev.polyglot.servicekit.problem.servlet.ProblemErrorController;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 problems for every error of a web application, on either stack. Runs before Boot's error
 * auto-configurations, which then back off: their handlers are conditional on no other being defined.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        "org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration"})
@ConditionalOnWebApplication
public class ProblemAutoConfiguration {

    @Bean
    ProblemFactory problemFactory(JsonMapper jsonMapper) {
        return new ProblemFactory(jsonMapper);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletProblems {

        @Bean // declared as its class, not ErrorController: Spring MVC looks for @RestController on the bean type
        ProblemErrorController problemErrorController(ErrorAttributes errorAttributes, ProblemFactory problems) {
            return new ProblemErrorController(errorAttributes, problems);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ReactiveProblems {

        @Bean
        @Order(-1) // the slot of Boot's handler: before WebFlux's own, which only sets a status
        ErrorWebExceptionHandler problemWebExceptionHandler(ProblemFactory problems, JsonMapper jsonMapper) {
            return new ProblemWebExceptionHandler(problems, jsonMapper);
        }
    }
}
