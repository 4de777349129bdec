package dev.polyglot.servicekit.tracing;

import brave.baggage.BaggageFields;
import brave.baggage.CorrelationScopeConfig.SingleCorrelationField;
import brave.baggage.CorrelationScopeDecorator;

/**
 * The MDC keys a log line carries the current span under: {@code trace_id} and {@code span_id}, the names the Python
 * services log too (Brave's own are traceId and spanId).
 */
public final class LogCorrelation {

    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    private LogCorrelation() {
    }

    /** Replaces the decorator's fields with {@code trace_id} and {@code span_id}. */
    public static void fields(CorrelationScopeDecorator.Builder builder) {
        builder.clear()
                .add(SingleCorrelationField.newBuilder(BaggageFields.TRACE_ID).name(TRACE_ID).build())
                .add(SingleCorrelationField.newBuilder(BaggageFields.SPAN_ID).name(SPAN_ID).build());
    }
}
