package dev.polyglot.auth.users;

/**
 * The contract's Role. The constants are spelled as on the wire (lower case), so that JSON, query parameters
 * ({@code ?role=admin}), the database column and the token's {@code roles} claim all use the one spelling.
 */
@SuppressWarnings("java:S115")
public enum Role {
    admin, user, viewer
}
