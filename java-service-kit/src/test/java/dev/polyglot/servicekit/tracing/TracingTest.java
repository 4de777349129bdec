package dev.polyglot.servicekit.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.Span.Kind;
import brave.handler.MutableSpan;
import dev.polyglot.servicekit.sample.SampleApplication;
import dev.polyglot.servicekit.testing.ClosedPort;
import dev.polyglot.servicekit.testing.PrivateRedisServer;
import dev.polyglot.servicekit.testing.RecordedSpans;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;

/**
 * What the kit makes of Boot's tracing in a service (the sample application on Spring MVC): W3C traceparent continued
 * by the server span, logs' trace_id/span_id, no traces of /actuator, and the Zipkin exporter only when
 * TRACING_ZIPKIN_ENDPOINT names one, counting what it cannot deliver without a request ever waiting for it.
 */
class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withoutAnEndpointSpansAreMadePropagatedAndLoggedButNotExported() throws Exception {
        try (ConfigurableApplicationContext service = start()) {
            assertThat(service.getBeanProvider(AsyncZipkinSpanHandler.class).getIfAvailable()).as("no exporter")
                    .isNull();
            RecordedSpans spans = service.getBean(RecordedSpans.class);

            HttpResponse<String> answer = get(service, "/orders?page=1", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
            get(service, "/actuator/health", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");

            assertThat(answer.statusCode()).isLessThan(500);
            await().atMost(Duration.ofSeconds(10)).until(() -> !spans.inTrace(TRACE_ID).isEmpty());
            assertThat(spans.inTrace(TRACE_ID)).as("the request's server span, not the health probe's")
                    .singleElement().satisfies(server -> {
                        assertThat(server.kind()).isEqualTo(Kind.SERVER);
                        assertThat(server.parentId()).isEqualTo("00f067aa0ba902b7");
                        assertThat(server.localServiceName()).isEqualTo("service-kit-test");
                    });

            Tracer tracer = service.getBean(Tracer.class);
            Span span = tracer.nextSpan().name("logged").start();
            try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
                assertThat(MDC.get("trace_id")).isEqualTo(span.context().traceId());
                assertThat(MDC.get("span_id")).isEqualTo(span.context().spanId());
            } finally {
                span.end();
            }
            assertThat(MDC.get("trace_id")).isNull();
        }
    }

    @Test
    void anUnreachableZipkinCostsARequestNothingAndItsDroppedSpansAreCounted() throws Exception {
        int closed = ClosedPort.pick();
        try (ConfigurableApplicationContext service = start(
                "--TRACING_ZIPKIN_ENDPOINT=http://127.0.0.1:" + closed + "/api/v2/spans")) {
            assertThat(service.getBean(AsyncZipkinSpanHandler.class)).isNotNull();
            MeterRegistry meters = service.getBean(MeterRegistry.class);

            long started = System.nanoTime();
            HttpResponse<String> answer = get(service, "/orders?page=1", null);
            assertThat(answer.statusCode()).isLessThan(500);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

            // The reporter sends from its own thread, about every second, and counts the spans it could not deliver.
            await().atMost(Duration.ofSeconds(20)).until(() -> meters.find("zipkin.reporter.spans.dropped")
                    .counters().stream().mapToDouble(counter -> counter.count()).sum() >= 1);
            assertThat(meters.find("zipkin.reporter.queue.spans").gauge()).isNotNull();
        }
    }

    private static ConfigurableApplicationContext start(String... arguments) {
        String[] common = {"--server.port=0", "--spring.main.web-application-type=servlet",
                "--REDIS_URL=redis://127.0.0.1:" + ClosedPort.pick() + "/0",
                "--" + PrivateRedisServer.NOT_A_CLUSTER};
        String[] all = new String[common.length + arguments.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(arguments, 0, all, common.length, arguments.length);
        return new SpringApplicationBuilder(SampleApplication.class, Spans.class).run(all);
    }

    private HttpResponse<String> get(ConfigurableApplicationContext service, String path, String traceparent)
            throws Exception {
        int port = service.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    static class Spans {
        @Bean
        RecordedSpans recordedSpans() {
            return new RecordedSpans();
        }
    }
}
