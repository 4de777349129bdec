package dev.polyglot.servicekit.problem;

import dev.polyglot.servicekit.problem.reactive.ProblemWebExceptionHandler;
import dev.polyglot.servicekit.problem.servlet.ProblemErrorController;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import reactor.core.publisher.Mono;
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

        @Bean
        WebMvcConfigurer emptyRequestValuesCheck() {
            HandlerInterceptor check = new HandlerInterceptor() {
                @Override
                public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                    if (handler instanceof HandlerMethod method) {
                        List<Violation> empty = EmptyRequestValues.of(method,
                                name -> {
                                    String[] values = request.getParameterValues(name);
                                    return values == null ? List.of() : List.of(values);
                                },
                                name -> Collections.list(request.getHeaders(name)));
                        if (!empty.isEmpty()) {
                            throw new InvalidInputException(empty);
                        }
                    }
                    return true;
                }
            };
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(check);
                }
            };
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

        /** WebFlux has no handler interceptors: this filter asks the annotated controllers' mapping itself. */
        @Bean
        @Order(0) // after Spring Security (-100): an anonymous request is a 401 whatever its query
        WebFilter emptyRequestValuesCheck(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping) {
            return (exchange, chain) -> !hasBlankValue(exchange.getRequest().getQueryParams().entrySet())
                    && !hasBlankValue(exchange.getRequest().getHeaders().headerSet())
                    ? chain.filter(exchange) // the usual case: no lookup
                    : mapping.getHandler(exchange)
                    .flatMap(handler -> {
                        List<Violation> empty = handler instanceof HandlerMethod method
                                ? EmptyRequestValues.of(method,
                                        name -> valuesOf(exchange.getRequest().getQueryParams().get(name)),
                                        name -> valuesOf(exchange.getRequest().getHeaders().get(name)))
                                : List.of();
                        return empty.isEmpty() ? Mono.<Void>empty() : Mono.<Void>error(new InvalidInputException(empty));
                    })
                    .then(Mono.defer(() -> chain.filter(exchange)));
        }

        private static boolean hasBlankValue(Set<Map.Entry<String, List<String>>> values) {
            // A parameter sent without '=' (?flag) has a null value: not an empty one, and no reason for a lookup.
            return values.stream().anyMatch(entry -> entry.getValue().stream().anyMatch(EmptyRequestValues::isBlank));
        }

        private static List<String> valuesOf(@Nullable List<String> values) {
            return values == null ? List.of() : values;
        }
    }
}
