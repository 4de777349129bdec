package dev.polyglot.servicekit.testing;

import org.opentest4j.AssertionFailedError;

/**
 * Environment variables an integration test cannot run without. The tests use the real Redis and
 * PostgreSQL that {@code ./platform test} starts; when one is missing the test fails, never skips, so a
 * green run always means the real thing was exercised.
 */
public final class RequiredEnvironment {

    private RequiredEnvironment() {
    }

    public static String get(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new AssertionFailedError(name + " is not set: run it through ./platform test (or set " + name + ")");
        }
        return value;
    }
}
