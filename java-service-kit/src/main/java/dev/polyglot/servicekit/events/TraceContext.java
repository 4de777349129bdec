package dev.polyglot.servicekit.events;

import java.util.Optional;
import org.slf4j.MDC;

/**
 * The trace the current thread works for. The platform has no tracing library yet, so the backbone keeps the
 * W3C context itself: the consumer opens a scope around each handler (continuing the event's traceparent), the
 * publisher stamps the current one on every event it writes, and logs carry {@code trace_id} and
 * {@code span_id} through the MDC.
 */
public final class TraceContext {

    public static final String MDC_TRACE_ID = "trace_id";
    public static final String MDC_SPAN_ID = "span_id";

    private static final ThreadLocal<TraceParent> CURRENT = new ThreadLocal<>();

    private TraceContext() {
    }

    public static Optional<TraceParent> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes {@code trace} current until the scope is closed, then restores what was current before. */
    public static Scope open(TraceParent trace) {
        TraceParent previous = CURRENT.get();
        String previousTraceId = MDC.get(MDC_TRACE_ID);
        String previousSpanId = MDC.get(MDC_SPAN_ID);
        CURRENT.set(trace);
        MDC.put(MDC_TRACE_ID, trace.traceId());
        MDC.put(MDC_SPAN_ID, trace.parentId());
        return () -> {
            CURRENT.set(previous);
            restore(MDC_TRACE_ID, previousTraceId);
            restore(MDC_SPAN_ID, previousSpanId);
        };
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Closing never throws, so try-with-resources needs no catch. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
