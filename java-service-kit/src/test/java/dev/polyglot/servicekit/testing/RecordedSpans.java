package dev.polyglot.servicekit.testing;

import static org.awaitility.Awaitility.await;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The spans a tracer finished, in memory: a Brave {@link SpanHandler} that a test hands to
 * {@code EventTracing.standalone(...)} or declares as a bean (Boot's Brave configuration adds every SpanHandler bean),
 * next to the exporter if any.
 */
public class RecordedSpans extends SpanHandler {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

    @Override
    public boolean end(TraceContext context, MutableSpan span, Cause cause) {
        if (cause == Cause.FINISHED) {
            finished.add(span);
        }
        return true;
    }

    public List<MutableSpan> all() {
        return List.copyOf(finished);
    }

    public List<MutableSpan> inTrace(String traceId) {
        return finished.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    /** The finished spans named {@code name} once there are {@code count} of them (waits: spans end asynchronously). */
    public List<MutableSpan> awaitNamed(String name, int count) {
        await().atMost(WAIT).until(() -> named(name).size() >= count);
        return named(name);
    }

    /** The one finished span named {@code name} (waits for it). */
    public MutableSpan awaitOne(String name) {
        List<MutableSpan> spans = awaitNamed(name, 1);
        if (spans.size() != 1) {
            throw new AssertionError("expected one span named " + name + ", got " + spans);
        }
        return spans.get(0);
    }

    public List<MutableSpan> named(String name) {
        return finished.stream().filter(span -> name.equals(span.name())).toList();
    }

    public void clear() {
        finished.clear();
    }
}
