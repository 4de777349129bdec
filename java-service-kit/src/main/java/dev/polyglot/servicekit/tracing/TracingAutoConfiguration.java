package dev.polyglot.servicekit.tracing;

import brave.baggage.CorrelationScopeCustomizer;
import brave.handler.MutableSpan;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.micrometer.tracing.autoconfigure.ConditionalOnEnabledTracingExport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import zipkin2.reporter.BytesEncoder;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.metrics.micrometer.MicrometerReporterMetrics;

/**
 * What the platform adds to Boot's Micrometer Tracing over Brave (docs/decisions/0015): log lines carry
 * {@code trace_id} and {@code span_id}; the Zipkin reporter counts what it sends and drops
 * ({@code zipkin_reporter_spans_dropped_total} and the rest on /actuator/prometheus); probes and scrapes of
 * /actuator make no traces. Sampling, W3C propagation and the Zipkin endpoint are set in service-kit-defaults.yaml
 * from TRACING_SAMPLING_PROBABILITY and TRACING_ZIPKIN_ENDPOINT (empty: nothing is exported, see
 * ServiceKitEnvironmentPostProcessor).
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.zipkin.autoconfigure.ZipkinAutoConfiguration",
        beforeName = {
                "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
                "org.springframework.boot.micrometer.tracing.brave.autoconfigure.zipkin.ZipkinWithBraveTracingAutoConfiguration"})
@ConditionalOnClass(CorrelationScopeCustomizer.class)
public class TracingAutoConfiguration {

    private static final String ACTUATOR = "/actuator/";

    @Bean
    CorrelationScopeCustomizer serviceKitLogCorrelation() {
        return LogCorrelation::fields;
    }

    /** Health probes and metric scrapes arrive every few seconds: no trace (nor http.server.requests timer) of theirs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletActuatorRequests {

        @Bean
        ObservationPredicate serviceKitNoActuatorObservations() {
            return notActuator(org.springframework.http.server.observation.ServerRequestObservationContext.class,
                    request -> request.getCarrier().getRequestURI());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ReactiveActuatorRequests {

        @Bean
        ObservationPredicate serviceKitNoActuatorObservations() {
            return notActuator(org.springframework.http.server.reactive.observation.ServerRequestObservationContext.class,
                    request -> request.getCarrier().getPath().value());
        }
    }

    private static <C extends Observation.Context> ObservationPredicate notActuator(Class<C> requests,
                                                                                  Function<C, String> path) {
        return (name, context) -> !requests.isInstance(context)
                || !path.apply(requests.cast(context)).startsWith(ACTUATOR);
    }

    /**
     * Boot's reporter with metrics: the same asynchronous, bounded queue (spans beyond it are dropped, never waited
     * for), counted in Micrometer.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(AsyncZipkinSpanHandler.class)
    @ConditionalOnEnabledTracingExport("zipkin")
    static class ZipkinReporterMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(BytesMessageSender.class)
        AsyncZipkinSpanHandler asyncZipkinSpanHandler(BytesMessageSender sender, BytesEncoder<MutableSpan> encoder,
                                                      ObjectProvider<MeterRegistry> meters) {
            AsyncZipkinSpanHandler.Builder builder = AsyncZipkinSpanHandler.newBuilder(sender);
            meters.ifAvailable(registry -> builder.metrics(MicrometerReporterMetrics.create(registry)));
            return builder.build(encoder);
        }
    }
}
