package dev.polyglot.servicekit.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import tools.jackson.databind.json.JsonMapper;

/** Nothing of the kit's security runs unless the service opts in: auth-service and the gateway stay as they are. */
class SecurityOptInTest {

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ServiceKitSecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class))
            .withBean(JsonMapper.class, () -> JsonMapper.builder().build());

    private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ServiceKitSecurityAutoConfiguration.class,
                    ReactiveWebSecurityAutoConfiguration.class))
            .withBean(JsonMapper.class, () -> JsonMapper.builder().build());

    @Test
    void withoutThePropertyNothingIsConfigured() {
        servlet.run(context -> assertThat(context).doesNotHaveBean(JwtDecoder.class)
                .doesNotHaveBean(ServletTokenSecurity.class).doesNotHaveBean(AuthServiceJwkSource.class));
        servlet.withPropertyValues("service-kit.security.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(JwtDecoder.class));
        reactive.run(context -> assertThat(context).doesNotHaveBean(ReactiveJwtDecoder.class)
                .doesNotHaveBean(ReactiveTokenSecurity.class));
    }

    @Test
    void aServiceThatOptsInGetsTheDecoderOfItsStack() {
        servlet.withPropertyValues("service-kit.security.enabled=true").run(context -> assertThat(context)
                .hasSingleBean(JwtDecoder.class).doesNotHaveBean(ReactiveJwtDecoder.class)
                .hasSingleBean(ServletTokenSecurity.class));
        reactive.withPropertyValues("service-kit.security.enabled=true").run(context -> assertThat(context)
                .hasSingleBean(ReactiveJwtDecoder.class).doesNotHaveBean(JwtDecoder.class)
                .hasSingleBean(ReactiveTokenSecurity.class));
    }

    @Test
    void aReactiveServiceGetsTheDefaultChainUnlessItChecksTokensItself() {
        reactive.withPropertyValues("service-kit.security.enabled=true").run(context -> assertThat(context)
                .hasSingleBean(SecurityWebFilterChain.class));
        // The gateway: its own WebFilter applies the kit's decoder, without Spring Security's web layer at all.
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ServiceKitSecurityAutoConfiguration.class))
                .withBean(JsonMapper.class, () -> JsonMapper.builder().build())
                .withPropertyValues("service-kit.security.enabled=true", "service-kit.security.filter-chain=false")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class)
                        .doesNotHaveBean(SecurityWebFilterChain.class));
    }
}
