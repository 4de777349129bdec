package dev.polyglot.servicekit.security;

import dev.polyglot.servicekit.web.AnsweredMethods;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Spring Security's firewall, as every Java service with Spring Security has it (whether it opted into the kit's
 * token checking or, like auth-service, has security of its own): strict as Spring ships it, with two differences.
 * It lets the methods of {@link AnsweredMethods} through (its default refuses TRACE and QUERY with a 400, where the
 * application answers 405 with the path's Allow), and on WebFlux what it refuses is the platform's 400 problem rather
 * than the bare 400, without body or Content-Type, of Spring's HttpStatusExchangeRejectedHandler. Spring Security
 * takes both beans from the context (WebFluxSecurityConfiguration's WebFilterChainProxy; WebSecurity on the servlet
 * stack, where the refusal already goes through the error page, so the kit's problem).
 */
@AutoConfiguration
@ConditionalOnWebApplication
public class FirewallAutoConfiguration {

    /**
     * The detail of every refusal. The firewall's own message can quote the refused header or parameter value (a
     * credential, say), so none of it is repeated to the client or logged.
     */
    static final String REFUSED = "The request was refused: its method, path, a header or a query parameter has a"
            + " value this service does not accept (a non-standard method, an encoded separator or dot segment, a"
            + " control character).";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(StrictHttpFirewall.class)
    static class Servlet {

        @Bean
        @ConditionalOnMissingBean
        HttpFirewall serviceKitHttpFirewall() {
            StrictHttpFirewall firewall = new StrictHttpFirewall();
            firewall.setAllowedHttpMethods(AnsweredMethods.ALL.stream().map(HttpMethod::name).toList());
            return firewall;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(StrictServerWebExchangeFirewall.class)
    static class Reactive {

        @Bean
        @ConditionalOnMissingBean
        ServerWebExchangeFirewall serviceKitServerWebExchangeFirewall() {
            StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
            firewall.setAllowedHttpMethods(AnsweredMethods.ALL);
            return firewall;
        }

        /** The error goes on to the kit's ProblemWebExceptionHandler, which writes every problem of the service. */
        @Bean
        @ConditionalOnMissingBean
        ServerExchangeRejectedHandler serviceKitExchangeRejectedHandler() {
            return (exchange, rejected) -> Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, REFUSED));
        }
    }
}
