package dev.polyglot.auth.users;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;

/** The contract's User: never the password hash. */
@Schema(name = "User")
public record UserView(
        @NotNull UUID id,
        @NotNull @Email String email,
        @NotNull @Size(min = 2, max = 100) String name,
        @NotNull Role role,
        @NotNull Instant createdAt,
        @NotNull Instant updatedAt) {
}
