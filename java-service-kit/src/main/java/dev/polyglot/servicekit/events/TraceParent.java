package dev.polyglot.servicekit.events;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} (version 00): {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}.
 *
 * @param traceId  32 lower-case hex digits, not all zero
 * @param parentId 16 lower-case hex digits, not all zero: the span that produced the event
 * @param flags    2 hex digits; {@code 01} = sampled
 */
public record TraceParent(String traceId, String parentId, String flags) {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String SAMPLED = "01";

    public TraceParent {
        if (!FORMAT.matcher("00-" + traceId + "-" + parentId + "-" + flags).matches()
                || allZero(traceId) || allZero(parentId)) {
            throw new IllegalArgumentException("not a W3C traceparent: 00-" + traceId + "-" + parentId + "-" + flags);
        }
    }

    /** Parses a version-00 traceparent; all-zero ids are invalid by the W3C specification. */
    public static TraceParent parse(String text) {
        var matcher = text == null ? null : FORMAT.matcher(text);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>): " + text);
        }
        return new TraceParent(matcher.group(1), matcher.group(2), matcher.group(3));
    }

    /** The start of a new trace, sampled. */
    public static TraceParent newTrace() {
        return new TraceParent(randomHex(16), randomHex(8), SAMPLED);
    }

    /** A new span in the same trace, whose parent is this one (what a consumer continues with). */
    public TraceParent child() {
        return new TraceParent(traceId, randomHex(8), flags);
    }

    public String format() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    @Override
    public String toString() {
        return format();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(random);
        } while (allZero(HexFormat.of().formatHex(random)));
        return HexFormat.of().formatHex(random);
    }

    private static boolean allZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }
}
