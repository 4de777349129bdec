package dev.polyglot.auth.tokens;

import dev.polyglot.auth.api.TokensApi;
import dev.polyglot.auth.api.model.LoginRequest;
import dev.polyglot.auth.api.model.RefreshRequest;
import dev.polyglot.auth.api.model.TokenResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** login, refresh, logout: contracts/openapi/auth.yaml, tag tokens. */
@RestController
class TokenController implements TokensApi {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public ResponseEntity<TokenResponse> login(LoginRequest login) {
        // The address the request came from (the gateway's X-Forwarded-For once forward headers are honoured); the
        // generated interface has no parameter for the servlet request, so it is taken from the current one.
        HttpServletRequest request = ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
        return ResponseEntity.ok(response(tokens.login(login.getEmail(), login.getPassword(), request.getRemoteAddr())));
    }

    @Override
    public ResponseEntity<TokenResponse> refreshTokens(RefreshRequest refresh) {
        return ResponseEntity.ok(response(tokens.refresh(refresh.getRefreshToken())));
    }

    @Override
    public ResponseEntity<Void> logout(RefreshRequest refresh) {
        tokens.logout(refresh.getRefreshToken());
        return ResponseEntity.noContent().build();
    }

    private static TokenResponse response(TokenService.Tokens issued) {
        return new TokenResponse(issued.accessToken(), issued.refreshToken(), TokenResponse.TokenTypeEnum.BEARER,
                Math.toIntExact(issued.expiresIn()))
                .refreshExpiresIn(Math.toIntExact(issued.refreshExpiresIn()));
    }
}
