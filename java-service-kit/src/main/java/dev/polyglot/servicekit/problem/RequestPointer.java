package dev.polyglot.servicekit.problem;

import java.util.List;

/**
 * Builds the JSON Pointers (RFC 6901) that locate an invalid input inside a request.
 */
public enum RequestPointer {
    BODY("body"), QUERY("query"), PATH("path"), HEADER("header"), COOKIE("cookie");

    private final String section;

    RequestPointer(String section) {
        this.section = section;
    }

    /** The pointer to a named input of this section, or inside the body when several tokens are given. */
    public String to(String... tokens) {
        return to(List.of(tokens));
    }

    public String to(List<String> tokens) {
        StringBuilder pointer = new StringBuilder("/").append(section);
        for (String token : tokens) {
            pointer.append('/').append(escape(token));
        }
        return pointer.toString();
    }

    private static String escape(String token) {
        // RFC 6901 section 3: '~' first, so that the '~' introduced for '/' is not escaped again.
        return token.replace("~", "~0").replace("/", "~1");
    }
}
