package dev.polyglot.auth.tokens;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** login, refresh, logout. */
@RestController
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    record LoginRequest(@NotNull @Email @Size(max = 254) String email,
                        @NotNull @Size(min = 1, max = 128) String password) {

        LoginRequest {
            email = email == null ? null : email.strip();
        }
    }

    record RefreshRequest(@NotBlank String refreshToken) {
    }

    @Schema(name = "TokenResponse")
    record TokenResponse(@NotNull String accessToken, @NotNull String refreshToken, @NotNull String tokenType,
                         @NotNull @Min(1) Long expiresIn, @Min(1) Long refreshExpiresIn) {

        static TokenResponse of(TokenService.Tokens tokens) {
            return new TokenResponse(tokens.accessToken(), tokens.refreshToken(), "Bearer", tokens.expiresIn(),
                    tokens.refreshExpiresIn());
        }
    }

    @Operation(operationId = "login", tags = "tokens", summary = "Exchange email and password for tokens")
    @SecurityRequirements
    @PostMapping(path = "${service-kit.api-prefix}/login", produces = MediaType.APPLICATION_JSON_VALUE)
    TokenResponse login(@Valid @RequestBody LoginRequest body, HttpServletRequest request) {
        // The address the request came from (the gateway's X-Forwarded-For once forward headers are honoured).
        return TokenResponse.of(tokens.login(body.email(), body.password(), request.getRemoteAddr()));
    }

    @Operation(operationId = "refreshTokens", tags = "tokens", summary = "Rotate a refresh token")
    @SecurityRequirements
    @PostMapping(path = "${service-kit.api-prefix}/refresh", produces = MediaType.APPLICATION_JSON_VALUE)
    TokenResponse refresh(@Valid @RequestBody RefreshRequest body) {
        return TokenResponse.of(tokens.refresh(body.refreshToken()));
    }

    @Operation(operationId = "logout", tags = "tokens", summary = "Revoke a refresh token and its family")
    @SecurityRequirements
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PostMapping(path = "${service-kit.api-prefix}/logout")
    ResponseEntity<Void> logout(@Valid @RequestBody RefreshRequest body) {
        tokens.logout(body.refreshToken());
        return ResponseEntity.noContent().build();
    }
}
