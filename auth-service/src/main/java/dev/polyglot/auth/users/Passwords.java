package dev.polyglot.auth.users;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Password hashing and the password policy.
 *
 * <p><b>Argon2id, m = 19 MiB, t = 2, p = 1</b>, 16-byte salt, 32-byte hash: the first configuration OWASP's Password
 * Storage Cheat Sheet recommends, which RFC 9106 section 4 also allows for memory-constrained machines. Why on a
 * 2-core box: p = 1 leaves the second core to serve other requests while one hash runs, 19 MiB keeps the memory
 * of concurrent logins bounded (at most {@link #MAX_CONCURRENT_HASHES} hashes run at once, so at most ~2x19 MiB per
 * core), and t = 2 keeps one hash in the tens of milliseconds (benchmarks/auth_tokens.py prints the figure), which
 * is the cost an online guesser pays per try while a real user barely notices it. Raising m is the knob to turn on a
 * larger machine; hashes carry their parameters (PHC string), so old hashes keep verifying.
 *
 * <p>The policy: at least 12 characters (the contract caps at 128, to bound the hashing work) and not among the
 * 30,000 most common passwords (resource security/common-passwords.txt), compared case-insensitively.
 */
@Component
public class Passwords {

    public static final int MIN_LENGTH = 12;
    private static final int MAX_CONCURRENT_HASHES = 2 * Runtime.getRuntime().availableProcessors();

    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
    private final Semaphore hashing = new Semaphore(MAX_CONCURRENT_HASHES, true);
    private final Set<String> common = load("/security/common-passwords.txt");
    // Verified against when the email is unknown, so that a login costs the same whether or not the account exists.
    private final String dummyHash = encoder.encode(randomPassword());

    public String hash(String password) {
        return bounded(() -> encoder.encode(password));
    }

    /** Checks {@code password} against {@code hash}, or against a dummy hash when there is none (same cost). */
    public boolean matches(String password, String hashOrNull) {
        boolean matches = bounded(() -> encoder.matches(password, hashOrNull == null ? dummyHash : hashOrNull));
        return matches && hashOrNull != null;
    }

    public boolean isCommon(String password) {
        return common.contains(password.toLowerCase(Locale.ROOT));
    }

    private <T> T bounded(Supplier<T> work) {
        try {
            hashing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to hash", e);
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static Set<String> load(String resource) {
        Set<String> words = new HashSet<>();
        try (InputStream in = Passwords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    words.add(line.strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
