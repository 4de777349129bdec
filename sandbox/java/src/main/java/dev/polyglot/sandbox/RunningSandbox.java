package dev.polyglot.sandbox;

import brave.handler.SpanHandler;
import dev.polyglot.servicekit.events.EventTracing;
import dev.polyglot.servicekit.events.tool.EventsTool;
import java.nio.file.Path;
import org.redisson.api.RedissonClient;

/**
 * The one sandbox of a test run (per fault mode), kept in the root ExtensionContext store: JUnit closes it once, after
 * the last test; a shutdown hook stops a started platform when the run is cut short (Ctrl-C). It starts the platform
 * on first use and remembers a failed start, so that the tests after it fail at once with the same cause instead of
 * starting again.
 */
final class RunningSandbox implements AutoCloseable {

    private final boolean faults;
    private Sandbox sandbox;
    private RuntimeException failedStart;
    private SandboxLauncher launcher;
    private Thread shutdownHook;
    private RedissonClient redisson;
    private EventTracing tracing;

    RunningSandbox(boolean faults) {
        this.faults = faults;
    }

    synchronized Sandbox sandbox() {
        if (failedStart != null) {
            throw new IllegalStateException("the platform sandbox failed to start earlier in this run", failedStart);
        }
        if (sandbox == null) {
            try {
                sandbox = Sandbox.attachedTo(Sandbox::setting).orElseGet(this::start);
            } catch (RuntimeException failure) {
                failedStart = failure;
                throw failure;
            }
            if (faults && sandbox.faultsUrl().isEmpty()) {
                failedStart = new IllegalStateException("the tests ask for faults (@PlatformSandboxTest(faults = true))"
                        + " but the platform at " + sandbox.gatewayUrl() + " runs without the fault proxy: set "
                        + Sandbox.FAULTS_URL + " to its API, or let the tests start their own sandbox");
                throw failedStart;
            }
        }
        return sandbox;
    }

    private Sandbox start() {
        launcher = SandboxLauncher.fromSettings();
        Path dataDir = launcher.newDataDir(faults);
        shutdownHook = new Thread(() -> launcher.stop(dataDir), "platform-sandbox-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return launcher.start(dataDir, faults);
    }

    /** One Redisson client per sandbox, with the platform's string codec (the kit's connect). */
    synchronized RedissonClient redisson() {
        if (redisson == null) {
            redisson = EventsTool.connect(sandbox().redisUrl());
        }
        return redisson;
    }

    /**
     * The awaiters' consumers make spans as every consumer of the backbone does; none is exported. A handler of its
     * own, doing nothing, because Brave without any logs every span, a line per event in the test's output.
     */
    synchronized EventTracing tracing() {
        if (tracing == null) {
            tracing = EventTracing.standalone("platform-sandbox", new SpanHandler() {
            });
        }
        return tracing;
    }

    @Override
    public synchronized void close() {
        if (redisson != null) {
            redisson.shutdown();
            redisson = null;
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
                shutdownHook.run();
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting: the hook runs (or ran) by itself.
            }
            shutdownHook = null;
        }
    }
}
