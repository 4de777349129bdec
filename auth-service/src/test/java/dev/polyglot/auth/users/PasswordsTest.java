package dev.polyglot.auth.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    private final Passwords passwords = new Passwords();

    @Test
    void hashesAreArgon2idWithTheDocumentedParametersAndVerify() {
        String hash = passwords.hash("correct-horse-battery-staple");

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(passwords.matches("correct-horse-battery-staple", hash)).isTrue();
        assertThat(passwords.matches("correct-horse-battery-stapl", hash)).isFalse();
        assertThat(passwords.hash("correct-horse-battery-staple")).as("salted").isNotEqualTo(hash);
    }

    @Test
    void withoutAHashTheDummyIsVerifiedAgainstAndNothingMatches() {
        // The unknown-email path runs a full Argon2 verification too: its cost is within the same order.
        String hash = passwords.hash("some-password-123");
        passwords.matches("warm-up-the-jit", hash);
        long known = time(() -> passwords.matches("wrong-password-1", hash));
        long unknown = time(() -> passwords.matches("wrong-password-1", null));

        assertThat(passwords.matches("", null)).isFalse();
        assertThat(unknown).isGreaterThan(known / 3);
    }

    @Test
    void theCommonListIsBundledAndComparedCaseInsensitively() {
        assertThat(passwords.isCommon("password")).isTrue();
        assertThat(passwords.isCommon("PassWord1234")).isTrue();
        assertThat(passwords.isCommon("1QAZ2WSX3EDC4RFV")).isTrue();
        assertThat(passwords.isCommon("correct-horse-battery-staple")).isFalse();
    }

    private static long time(Runnable work) {
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            work.run();
        }
        return System.nanoTime() - start;
    }
}
