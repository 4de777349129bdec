package dev.polyglot.servicekit.problem;

/**
 * One invalid part of a request, as listed in a problem's {@code errors} member.
 *
 * @param pointer a JSON Pointer relative to the request: {@code /body/<pointer into the body>},
 *                {@code /query/<name>}, {@code /path/<name>} or {@code /header/<name>}
 * @param message what is wrong with it, meant for the client developer
 */
public record Violation(String pointer, String message) {
}
