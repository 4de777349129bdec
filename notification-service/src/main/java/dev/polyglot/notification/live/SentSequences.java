package dev.polyglot.notification.live;

import java.util.Arrays;

/**
 * Which notifications a connection was sent, by their place in the platform-wide order (the history's sequence, the
 * same for an event however often the backbone delivers it): the highest sequence sent and one bit for each of the
 * {@link #WINDOW} sequences below it, 512 bytes per connection whatever the traffic (the event ids it replaced grew to
 * 4,096 strings, about half a megabyte on a busy topic). An anti-replay window as IPsec keeps one (RFC 4303 3.4.3);
 * decision 0034 says why it is written here.
 *
 * <p>A sequence older than the window is not remembered and counts as not sent, as a forgotten id did before:
 * such a notification reached this instance more than 4,096 notifications (of any topic) after a newer one, which a
 * reconnect's replay, held-back live events and an ordinary redelivery never are. Not thread-safe: the connection
 * holds its lock.
 */
final class SentSequences {

    static final int WINDOW = 4096;

    private final long[] bits = new long[WINDOW / Long.SIZE];
    /** 0 until the first: the history's sequence starts at 1. */
    private long highest;

    /** Notes {@code sequence} as sent; false when it was already. */
    boolean markSent(long sequence) {
        if (sequence > highest) {
            if (sequence - highest >= WINDOW) {
                Arrays.fill(bits, 0);
            } else {
                clear(highest + 1, sequence);
            }
            highest = sequence;
            set(sequence);
            return true;
        }
        if (highest - sequence >= WINDOW) {
            return true;
        }
        if (isSet(sequence)) {
            return false;
        }
        set(sequence);
        return true;
    }

    private boolean isSet(long sequence) {
        int slot = slot(sequence);
        return (bits[slot >>> 6] & (1L << (slot & 63))) != 0;
    }

    private void set(long sequence) {
        int slot = slot(sequence);
        bits[slot >>> 6] |= 1L << (slot & 63);
    }

    /** The slots of {@code from} to {@code to} (fewer than a window), a word at a time. */
    private void clear(long from, long to) {
        long next = from;
        while (next <= to) {
            int slot = slot(next);
            int count = (int) Math.min(Long.SIZE - (slot & 63), to - next + 1);
            long mask = count == Long.SIZE ? -1L : ((1L << count) - 1) << (slot & 63);
            bits[slot >>> 6] &= ~mask;
            next += count;
        }
    }

    private static int slot(long sequence) {
        return (int) Math.floorMod(sequence, (long) WINDOW);
    }
}
