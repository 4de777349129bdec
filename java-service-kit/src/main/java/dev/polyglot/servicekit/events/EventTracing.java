package dev.polyglot.servicekit.events;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import dev.polyglot.servicekit.tracing.LogCorrelation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backbone's spans, on the service's Micrometer {@link Tracer}: a PRODUCER span around every XADD whose context
 * the {@link Propagator} writes into the CloudEvent's {@code traceparent}/{@code tracestate}, and a CONSUMER span
 * around the handling of every entry whose parent the {@link Propagator} reads from the same attributes (none, or a
 * malformed one: a new trace, never an error).
 *
 * <p>Names and tags are shared with python-service-kit: {@code send <stream>} and {@code process <stream>};
 * {@code messaging.system=redis}, {@code messaging.destination.name}, {@code messaging.operation.type}
 * ({@code send|process}), {@code messaging.message.id} (the CloudEvent id), {@code messaging.consumer.group.name}
 * (consumer only), {@code cloudevents.event_type}.
 */
public final class EventTracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private final Tracer tracer;
    private final Propagator propagator;

    public EventTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * Brave with W3C propagation and the services' log correlation, outside a Spring context (the events tool, the
     * backbone's own tests): spans go to {@code handlers} only, none is exported.
     */
    public static EventTracing standalone(String serviceName, SpanHandler... handlers) {
        return standalone(serviceName, 1.0f, handlers);
    }

    /**
     * As {@link #standalone(String, SpanHandler...)}, recording the share {@code samplingProbability} (0.0 to 1.0) of
     * the traces that start here, as a service's {@code TRACING_SAMPLING_PROBABILITY} does; a continued trace keeps its
     * caller's decision.
     */
    public static EventTracing standalone(String serviceName, float samplingProbability, SpanHandler... handlers) {
        var mdc = MDCScopeDecorator.newBuilder();
        LogCorrelation.fields(mdc);
        Tracing.Builder builder = Tracing.newBuilder()
                .localServiceName(serviceName)
                .currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().addScopeDecorator(mdc.build()).build())
                .propagationFactory(new W3CPropagation())
                .supportsJoin(false)
                .traceId128Bit(true)
                .sampler(Sampler.create(samplingProbability));
        for (SpanHandler handler : handlers) {
            builder.addSpanHandler(handler);
        }
        Tracing tracing = builder.build();
        return new EventTracing(new BraveTracer(tracing.tracer(),
                new BraveCurrentTraceContext(tracing.currentTraceContext())), new BravePropagator(tracing));
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * The current span's context as W3C fields ({@code traceparent}, and {@code tracestate} when the propagator writes
     * one), to be stored with what will be published later (an outbox row); empty when no span is current.
     */
    public Map<String, String> currentContext() {
        Span current = tracer.currentSpan();
        return current == null ? new HashMap<>() : context(current);
    }

    /** {@code span}'s context as W3C fields: what a message carries to continue the trace elsewhere. */
    public Map<String, String> context(Span span) {
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        carrier.keySet().retainAll(List.of(TRACEPARENT, TRACESTATE));
        return carrier;
    }

    /**
     * Starts the PRODUCER span {@code send <destination>} of a message other than a CloudEvent (notification-service's
     * fan-out over Redis pub/sub), a child of the current span; the message carries {@link #context(Span)}.
     */
    public Span startSend(String destination, String messageId) {
        return tag(tracer.spanBuilder(), Span.Kind.PRODUCER, "send", destination, messageId).start();
    }

    /**
     * Starts the CONSUMER span {@code process <destination>} of a message other than a CloudEvent, whose parent is the
     * context the message carries ({@code traceparent}/{@code tracestate}; none or a malformed one: a new trace).
     */
    public Span startProcess(String destination, String messageId, Map<String, String> carried) {
        return startWithoutCurrent(tag(extract(carried), Span.Kind.CONSUMER, "process", destination, messageId));
    }

    /**
     * Starts the PRODUCER span of {@code event} on {@code stream}: a child of the current span when
     * {@code continueCurrent}, else of the context the event carries (a new trace when it carries none).
     */
    Span startSend(String stream, CloudEvent event, boolean continueCurrent) {
        Span.Builder builder = continueCurrent ? tracer.spanBuilder() : extract(carried(event));
        builder = tag(builder, Span.Kind.PRODUCER, "send", stream, event.id())
                .tag("cloudevents.event_type", event.type());
        return continueCurrent ? builder.start() : startWithoutCurrent(builder);
    }

    /** {@code event} with the context of {@code span} in its {@code traceparent} and {@code tracestate}. */
    CloudEvent inject(Span span, CloudEvent event) {
        Map<String, String> carrier = context(span);
        return event.withTraceContext(carrier.get(TRACEPARENT), carrier.get(TRACESTATE));
    }

    /**
     * Starts the CONSUMER span of {@code event}, whose parent is the context the event carries (else a new trace);
     * {@code event} is null for an entry that is no CloudEvent at all.
     */
    Span startProcess(String stream, String group, CloudEvent event) {
        Span.Builder builder = tag(event == null ? tracer.spanBuilder() : extract(carried(event)), Span.Kind.CONSUMER,
                "process", stream, event == null ? null : event.id())
                .tag("messaging.consumer.group.name", group);
        if (event != null) {
            builder.tag("cloudevents.event_type", event.type());
        }
        return startWithoutCurrent(builder);
    }

    /** Makes {@code span} current (and the logs' trace_id/span_id) until the scope is closed. */
    public Tracer.SpanInScope inScope(Span span) {
        return tracer.withSpan(span);
    }

    private static Map<String, String> carried(CloudEvent event) {
        Map<String, String> carrier = new HashMap<>();
        if (event.traceparent() != null) {
            carrier.put(TRACEPARENT, event.traceparent());
            if (event.tracestate() != null) {
                carrier.put(TRACESTATE, event.tracestate());
            }
        }
        return carrier;
    }

    private Span.Builder extract(Map<String, String> carried) {
        return propagator.extract(carried, Map::get);
    }

    /**
     * Brave falls back on the current span when a carrier holds no (valid) context: the span starts while none is
     * current, so that its parent is the carried context or nothing (a new trace).
     */
    private Span startWithoutCurrent(Span.Builder builder) {
        try (Tracer.SpanInScope none = tracer.withSpan(null)) {
            return builder.start();
        }
    }

    private static Span.Builder tag(Span.Builder builder, Span.Kind kind, String operation, String destination,
                                    String messageId) {
        builder.kind(kind).name(operation + " " + destination)
                .tag("messaging.system", "redis")
                .tag("messaging.destination.name", destination)
                .tag("messaging.operation.type", operation);
        if (messageId != null) {
            builder.tag("messaging.message.id", messageId);
        }
        return builder;
    }
}
