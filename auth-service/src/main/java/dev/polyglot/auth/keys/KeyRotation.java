package dev.polyglot.auth.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * With AUTH_KEY_ROTATION_INTERVAL set, rotates the signing key once the current one is that old. The age comes from
 * the database (when the key was stored), so restarts do not postpone a rotation, and several instances rotate
 * about once between them (if two do at the same moment, both keys are published and the newer signs).
 */
@Component
class KeyRotation implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    private static final Duration LONGEST_CHECK_PERIOD = Duration.ofMinutes(1);

    private final SigningKeys keys;
    private ScheduledExecutorService scheduler;

    KeyRotation(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public synchronized void start() {
        Duration interval = keys.settings().rotationInterval();
        if (interval == null || scheduler != null) {
            return;
        }
        // Checked a few times per interval (at most every minute), so a rotation is at most that late.
        long periodMillis = Math.max(100, Math.min(interval.toMillis() / 4, LONGEST_CHECK_PERIOD.toMillis()));
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "signing-key-rotation");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> rotateIfDue(interval), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        log.info("Signing keys rotate every {}", interval);
    }

    private void rotateIfDue(Duration interval) {
        try {
            if (!Instant.now().isBefore(keys.currentSince().plus(interval))) {
                keys.rotate();
            }
        } catch (RuntimeException failed) { // the database may be down for a moment: try again next period
            log.warn("Scheduled signing key rotation failed; retrying later", failed);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
