package dev.polyglot.sandbox;

import dev.polyglot.servicekit.events.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * The events a test's consumer received, in arrival order, and the waits on them. An event handed to one wait is
 * taken: a later wait with the same predicate gets the next matching event, so a test can await two of a kind.
 */
final class EventInbox {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<CloudEvent> received = new ArrayList<>();
    private final List<Boolean> taken = new ArrayList<>();

    void add(CloudEvent event) {
        lock.lock();
        try {
            received.add(event);
            taken.add(false);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first event not yet taken that {@code match} accepts, received before the call or within {@code timeout};
     * an AssertionFailedError naming {@code what} and the types received otherwise. A predicate that throws ends the
     * wait with its exception.
     */
    CloudEvent await(String what, Predicate<CloudEvent> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int checked = 0;
            while (true) {
                for (int i = checked; i < received.size(); i++) {
                    if (!taken.get(i) && match.test(received.get(i))) {
                        taken.set(i, true);
                        return received.get(i);
                    }
                }
                checked = received.size();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionFailedError("no " + what + " within " + timeout + "; received "
                            + describe(received));
                }
                arrived.awaitNanos(left);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for " + what, interrupted);
        } finally {
            lock.unlock();
        }
    }

    /** Every event received so far, taken or not. */
    List<CloudEvent> received() {
        lock.lock();
        try {
            return List.copyOf(received);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets what was received: the next test of a class sharing the awaiter starts from its own events. */
    void clear() {
        lock.lock();
        try {
            received.clear();
            taken.clear();
        } finally {
            lock.unlock();
        }
    }

    private static String describe(List<CloudEvent> events) {
        if (events.isEmpty()) {
            return "no event at all";
        }
        return events.size() + " event(s): " + events.stream().map(CloudEvent::type)
                .collect(Collectors.groupingBy(type -> type, LinkedHashMap::new, Collectors.counting()))
                .entrySet().stream().map(count -> count.getValue() + " " + count.getKey())
                .collect(Collectors.joining(", "));
    }
}
