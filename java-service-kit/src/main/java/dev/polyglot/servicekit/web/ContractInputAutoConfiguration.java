package dev.polyglot.servicekit.web;

import dev.polyglot.servicekit.contract.SizeInCodePoints;
import dev.polyglot.servicekit.contract.StrictJson;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.validation.autoconfigure.ValidationConfigurationCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Input checked as the contracts state it: request bodies of every Java service are read with {@link StrictJson}
 * (on either stack), so that what the contracts refuse never reaches a handler (a refused body is a 422 problem
 * pointing at the member), and text lengths are counted in characters ({@link SizeInCodePoints}).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration",
        "org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration"},
        beforeName = "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration")
@ConditionalOnWebApplication
public class ContractInputAutoConfiguration {

    /** String lengths as the contracts (JSON Schema) count them; every other @Size target as Hibernate counts it. */
    @Bean
    @ConditionalOnClass(HibernateValidatorConfiguration.class)
    ValidationConfigurationCustomizer codePointStringLengths() {
        return configuration -> {
            if (configuration instanceof HibernateValidatorConfiguration hibernate) {
                SizeInCodePoints.replaceSize(hibernate);
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Servlet {

        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE) // after Boot's own JSON converter customizer, which it replaces
        ServerHttpMessageConvertersCustomizer strictJsonConverter(JsonMapper jsonMapper) {
            JacksonJsonHttpMessageConverter converter =
                    new JacksonJsonHttpMessageConverter(StrictJson.forRequestBodies(jsonMapper));
            return builder -> builder.withJsonConverter(converter);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Reactive {

        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE) // after Boot's Jackson codec customizer, whose decoder it replaces
        CodecCustomizer strictJsonDecoder(JsonMapper jsonMapper) {
            JacksonJsonDecoder decoder = new JacksonJsonDecoder(StrictJson.forRequestBodies(jsonMapper));
            return configurer -> configurer.defaultCodecs().jacksonJsonDecoder(decoder);
        }
    }
}
