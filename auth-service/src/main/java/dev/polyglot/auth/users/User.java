package dev.polyglot.auth.users;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code users}. */
public record User(UUID id, String email, String name, String passwordHash, Role role, Instant createdAt,
                   Instant updatedAt) {
}
