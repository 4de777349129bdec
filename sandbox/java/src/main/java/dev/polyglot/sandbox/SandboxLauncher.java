package dev.polyglot.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code <platform home>/platform sandbox start|stop}: the launcher starts the whole platform detached on free
 * ports with a data folder of its own and prints one line of JSON once every part is healthy. Its progress (stderr)
 * goes to the test run's stderr, so that a slow first start (it builds what is missing) shows what it does.
 */
final class SandboxLauncher {

    /** The folder of a platform checkout (the one holding {@code ./platform}). */
    static final String PLATFORM_HOME = "platform.home";
    /** Seconds a start may take; the first one builds the jars and the Python environment. */
    static final String START_TIMEOUT = "platform.sandbox.start-timeout";
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    /** After the start command exited: how long its stdout may stay open (a part left running holding it). */
    private static final Duration PIPE_DRAIN = Duration.ofSeconds(2);

    private final Path platform;
    private final Duration startTimeout;

    SandboxLauncher(Path home, Duration startTimeout) {
        this.platform = home.toAbsolutePath().normalize().resolve("platform");
        this.startTimeout = startTimeout;
        if (!Files.isExecutable(platform)) {
            throw new IllegalStateException(PLATFORM_HOME + " (" + Sandbox.variableOf(PLATFORM_HOME) + ") must name a "
                    + "checkout of the platform: there is no executable " + platform);
        }
    }

    /** From the settings {@code platform.home} (required) and {@code platform.sandbox.start-timeout}. */
    static SandboxLauncher fromSettings() {
        String home = Sandbox.setting(PLATFORM_HOME);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("Neither " + Sandbox.GATEWAY_URL + " (attach to a running platform) nor "
                    + PLATFORM_HOME + " (start one: the folder of a platform checkout) is set, as a system property or "
                    + "as " + Sandbox.variableOf(Sandbox.GATEWAY_URL) + " / " + Sandbox.variableOf(PLATFORM_HOME));
        }
        String timeout = Sandbox.setting(START_TIMEOUT);
        return new SandboxLauncher(Path.of(home), timeout == null || timeout.isBlank()
                ? DEFAULT_START_TIMEOUT : Duration.ofSeconds(Long.parseLong(timeout.strip())));
    }

    /**
     * A new data folder beside the launcher's own sandboxes ({@code var/sandboxes/} of the checkout), named before the
     * start so that a start cut short can still be stopped; one per fault mode of a test run.
     */
    Path newDataDir(boolean faults) {
        Path dataDir = platform.getParent().resolve("var").resolve("sandboxes").resolve("junit-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + "-"
                + ProcessHandle.current().pid() + (faults ? "-faults" : ""));
        try {
            return Files.createDirectories(dataDir);
        } catch (IOException unwritable) {
            throw new UncheckedIOException(unwritable);
        }
    }

    /** Starts a sandbox in {@code dataDir}; with the fault proxy on every link when {@code faults}. */
    Sandbox start(Path dataDir, boolean faults) {
        List<String> command = new ArrayList<>(List.of(platform.toString(), "sandbox", "start", "--data-dir",
                dataDir.toString()));
        if (faults) {
            command.add("--faults");
        }
        Process process = spawn(command);
        Lines stdout = Lines.of(process.getInputStream(), false);
        Lines.of(process.getErrorStream(), true);
        try {
            if (!process.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // SIGTERM first: the launcher stops what it started; what it left, the state file names for the stop.
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
                stop(dataDir);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + startTimeout
                        + " (set " + START_TIMEOUT + " for a longer wait)");
            }
            String output = stdout.untilClosed(PIPE_DRAIN);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + process.exitValue() + ": see its messages above and the logs in " + dataDir.resolve("logs"));
            }
            return Sandbox.fromStartLine(lastJsonLine(output));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while the sandbox started", interrupted);
        }
    }

    /** Stops the sandbox of {@code dataDir}; a failure is reported on stderr, not thrown (it runs at the end). */
    void stop(Path dataDir) {
        Process process = spawn(List.of(platform.toString(), "sandbox", "stop", dataDir.toString()));
        Lines.of(process.getInputStream(), true);
        Lines.of(process.getErrorStream(), true);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                System.err.println("platform-sandbox: ./platform sandbox stop " + dataDir + " did not finish within "
                        + STOP_TIMEOUT);
            } else if (process.exitValue() != 0) {
                System.err.println("platform-sandbox: ./platform sandbox stop " + dataDir + " failed with exit code "
                        + process.exitValue());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last line of the output that is a JSON object (the launcher prints only that one on stdout). */
    static String lastJsonLine(String output) {
        List<String> lines = output.lines().map(String::strip).filter(line -> line.startsWith("{")).toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("./platform sandbox start printed no line of JSON on stdout; it printed: '"
                    + output.strip() + "'");
        }
        return lines.get(lines.size() - 1);
    }

    private Process spawn(List<String> command) {
        try {
            return new ProcessBuilder(command).directory(platform.getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException unstartable) {
            throw new UncheckedIOException("could not run " + command, unstartable);
        }
    }

    /**
     * The lines of a pipe, read on a daemon thread (echoed to this JVM's stderr when {@code echo}). Not inherited: a
     * part the launcher leaves running could hold an inherited descriptor open for as long as it runs.
     */
    private static final class Lines {

        private final StringBuffer text = new StringBuffer();
        private final Thread reader;

        private Lines(InputStream stream, boolean echo) {
            reader = new Thread(() -> {
                try (var lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        text.append(line).append('\n');
                        if (echo) {
                            System.err.println(line);
                        }
                    }
                } catch (IOException closed) {
                    // The process is gone: what was read is all there is.
                }
            }, "platform-sandbox-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Lines of(InputStream stream, boolean echo) {
            return new Lines(stream, echo);
        }

        /** What was read once the pipe closed, or after {@code wait} if something still holds it open. */
        String untilClosed(Duration wait) throws InterruptedException {
            reader.join(wait.toMillis());
            return text.toString();
        }
    }
}
