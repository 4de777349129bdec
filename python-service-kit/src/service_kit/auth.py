"""Access-token checking for every Python service: auth-service's RS256 JWTs, verified through its JWKS.

    from service_kit.auth import Principal, require_principal

    @router.get("/reports")
    async def list_reports(principal: Principal = Depends(require_principal("admin", "user"))): ...

`require_principal(*roles)` answers 401 (problem+json, `WWW-Authenticate: Bearer`) when the request has no
valid bearer token, and 403 when the token's roles include none of `roles` (no roles: any signed-in user).

What a token must be (the platform's token format, shared with the Java services):
- a JWS with header `alg` RS256 (pinned: `none`, HS256 and every other algorithm are refused before any
  key is looked at, so the public key can never serve as an HMAC secret) and a `kid` that names an RSA
  signing key of auth-service's JWKS;
- claims `iss` = AUTH_ISSUER, `aud` containing AUTH_AUDIENCE, `exp` (and `nbf`, `iat` if present) within
  60 s of the clock, `sub` (the user id), `roles` (a list of strings), optionally `email`.

Keys come from AUTH_JWKS_URL (default `${AUTH_SERVICE_URL}/api/auth/.well-known/jwks.json`), cached. A
token whose kid is not cached makes the cache refetch the set (key rotation), at most once per 10 s, so
tokens with made-up kids cannot make the service hammer auth-service. A JWKS that cannot be fetched
means no token can be checked: that is a 401, never a 500.

An accepted token is remembered (`AcceptedTokens`, by its whole text) for a minute at most and never past its `exp`
(+ the clock skew), as the gateway does: a client sending the same token on every request costs one RSA signature
check a minute, not one per request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt.algorithms import RSAAlgorithm
from pydantic import Field
from pydantic_settings import BaseSettings
from starlette.exceptions import HTTPException

from service_kit.settings import platform_settings_config

__all__ = [
    "AcceptedTokens",
    "AuthSettings",
    "InvalidToken",
    "JwksCache",
    "Principal",
    "SignedIn",
    "TokenVerifier",
    "get_token_verifier",
    "require_principal",
]

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
DEFAULT_AUTH_SERVICE_URL = "http://127.0.0.1:8081"
JWKS_PATH = "/api/auth/.well-known/jwks.json"
DEFAULT_ISSUER = "polyglot-auth"
DEFAULT_AUDIENCE = "polyglot-platform"


# Tolerated clock difference between auth-service and this service on exp, nbf and iat.
CLOCK_SKEW_SECONDS = 60.0
# An unknown kid makes the cache refetch at most this often; a failed fetch is retried no sooner either.
MIN_REFETCH_INTERVAL_SECONDS = 10.0
# Keys are refetched (on the next token) after this long, so a key auth-service withdrew stops working even
# when no token with an unknown kid comes along. Until a refetch succeeds the cached keys stay.
MAX_CACHE_AGE_SECONDS = 300.0
FETCH_TIMEOUT_SECONDS = 3.0
# How long an accepted token is remembered at most (the gateway's java-service-kit CachingReactiveJwtDecoder: a
# minute too); a key withdrawn from the JWKS is trusted that much longer for the tokens already seen.
ACCEPTED_TOKEN_MAX_AGE_SECONDS = 60.0
# At this many remembered tokens the memory is emptied and refills: a flood of new tokens cannot grow it.
MAX_ACCEPTED_TOKENS = 10_000


class AuthSettings(BaseSettings):
    """Where the keys are and what a token must say (AUTH_*). Empty variables count as unset."""

    model_config = platform_settings_config()

    service_url: str = Field(DEFAULT_AUTH_SERVICE_URL, validation_alias="AUTH_SERVICE_URL")
    jwks_url: str | None = Field(None, validation_alias="AUTH_JWKS_URL")
    issuer: str = Field(DEFAULT_ISSUER, validation_alias="AUTH_ISSUER")
    audience: str = Field(DEFAULT_AUDIENCE, validation_alias="AUTH_AUDIENCE")

    @property
    def keys_url(self) -> str:
        """Where the keys are: AUTH_JWKS_URL, else auth-service's own JWKS under AUTH_SERVICE_URL (its first URL when
        it lists several instances, comma-separated, as for the gateway: every instance serves the same keys)."""
        return self.jwks_url or self.service_url.split(",")[0].strip().rstrip("/") + JWKS_PATH


@dataclass(frozen=True)
class Principal:
    """Who sent the request, as the access token says."""

    user_id: str
    email: str | None
    roles: tuple[str, ...]

    def has_any_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def may_access(self, owner_id: str) -> bool:
        """The platform's rule for owned things (jobs, reports): the owner, or an admin."""
        return self.user_id == owner_id or "admin" in self.roles


class InvalidToken(Exception):
    """The token cannot be trusted. The message says why, for logs and for the 401's detail."""


class KeysUnavailable(InvalidToken):
    """The JWKS could not be fetched (or has no usable key), so no token can be checked."""


def _now() -> float:
    return time.monotonic()


class JwksCache:
    """auth-service's RSA signing keys by kid, fetched from `settings.jwks_url` and refetched on demand."""

    def __init__(
        self,
        settings: AuthSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = _now,
        fetch_timeout_seconds: float = FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self._jwks_url = settings.keys_url
        self._fetch_timeout_seconds = fetch_timeout_seconds
        self._transport = transport
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last fetch, successful or not
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def key(self, kid: str) -> Any:
        """The public key named `kid`; raises InvalidToken if auth-service does not publish it."""
        if kid in self._keys and not self._stale():
            return self._keys[kid]
        async with self._lock:
            if (kid not in self._keys or self._stale()) and self._may_fetch():
                await self._fetch()
            if kid in self._keys:
                return self._keys[kid]
            if self._fetched_at is None:
                raise KeysUnavailable("the signing keys are unavailable")
            raise InvalidToken(f"unknown signing key {kid!r}")

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= MAX_CACHE_AGE_SECONDS

    def _may_fetch(self) -> bool:
        return (
            self._attempted_at is None
            or self._clock() - self._attempted_at >= MIN_REFETCH_INTERVAL_SECONDS
        )

    async def _fetch(self) -> None:
        self._attempted_at = self._clock()
        self.fetch_count += 1
        try:
            async with httpx.AsyncClient(
                transport=self._transport, timeout=self._fetch_timeout_seconds, follow_redirects=False
            ) as client:
                response = await client.get(self._jwks_url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("Cannot fetch the JWKS from %s: %s", self._jwks_url, error)
            return
        keys = _rsa_signing_keys(document)
        if not keys:
            logger.warning("The JWKS at %s has no RSA signing key with a kid", self._jwks_url)
            return
        self._keys = keys
        self._fetched_at = self._clock()


def _rsa_signing_keys(document: Any) -> dict[str, Any]:
    """kid -> public key for every usable key of a JWKS document; anything else in it is skipped."""
    entries = document.get("keys") if isinstance(document, dict) else None
    keys: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", ALGORITHM) != ALGORITHM:
            continue
        if "d" in entry:  # a private key has no business in a JWKS: refuse to treat it as ours
            continue
        try:
            keys[entry["kid"]] = RSAAlgorithm.from_jwk(entry)
        except (jwt.InvalidKeyError, ValueError, TypeError, KeyError) as error:
            logger.warning("Skipping JWKS key %r: %s", entry.get("kid"), error)
    return keys


class AcceptedTokens:
    """The principals of tokens accepted lately, each until `min(now + max_age, its expiry)` (wall clock, as exp)."""

    def __init__(self, *, max_age_seconds: float = ACCEPTED_TOKEN_MAX_AGE_SECONDS,
                 max_entries: int = MAX_ACCEPTED_TOKENS, clock: Callable[[], float] = time.time) -> None:
        self._max_age_seconds = max_age_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._accepted: dict[str, tuple[Principal, float]] = {}

    def __len__(self) -> int:
        return len(self._accepted)

    def get(self, token: str) -> Principal | None:
        known = self._accepted.get(token)
        if known is None:
            return None
        principal, until = known
        if self._clock() < until:
            return principal
        self._accepted.pop(token, None)
        return None

    def remember(self, token: str, principal: Principal, *, expires_at: float) -> None:
        if len(self._accepted) >= self._max_entries:
            self._accepted.clear()
        self._accepted[token] = (principal, min(self._clock() + self._max_age_seconds, expires_at))


class TokenVerifier:
    """Checks access tokens: RS256 only, a key from the JWKS, iss, aud, exp/nbf with clock skew; remembers the
    accepted ones for a while (`accepted`)."""

    def __init__(self, settings: AuthSettings | None = None, *, keys: JwksCache | None = None,
                 accepted: AcceptedTokens | None = None) -> None:
        self.settings = settings or AuthSettings()
        self.keys = keys or JwksCache(self.settings)
        self.accepted = accepted if accepted is not None else AcceptedTokens()

    async def verify(self, token: str) -> Principal:
        remembered = self.accepted.get(token)
        if remembered is not None:
            return remembered
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken(f"malformed token: {error}") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token names no signing key (kid)")
        key = await self.keys.key(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_signature": True},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error) or type(error).__name__) from None
        principal = _principal(claims)
        # exp is required and was checked (with the skew) above: remembered no longer than it would be accepted.
        self.accepted.remember(token, principal, expires_at=float(claims["exp"]) + CLOCK_SKEW_SECONDS)
        return principal


def _principal(claims: Mapping[str, Any]) -> Principal:
    user_id = claims.get("sub")
    roles = claims.get("roles", [])
    email = claims.get("email")
    if not isinstance(user_id, str) or not user_id:
        raise InvalidToken("the token's subject is not a user id")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidToken("the token's roles are not a list of names")
    if email is not None and not isinstance(email, str):
        raise InvalidToken("the token's email is not a string")
    return Principal(user_id=user_id, email=email, roles=tuple(roles))


async def get_token_verifier(request: Request) -> TokenVerifier:
    """FastAPI dependency: the app's verifier, made once per app by `create_service_app` (its JWKS cache lives
    as long as the app). Tests put theirs in `app.dependency_overrides[get_token_verifier]`. Async although it
    awaits nothing: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per request."""
    verifier: TokenVerifier = request.state.token_verifier
    return verifier


# Names the same security scheme as the contracts (components.securitySchemes.bearer_auth).
_bearer = HTTPBearer(auto_error=False, scheme_name="bearer_auth", bearerFormat="JWT")


def _unauthorized(detail: str, *, error: str | None = None) -> HTTPException:
    challenge = "Bearer" if error is None else f'Bearer error="{error}"'
    return HTTPException(HTTPStatus.UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": challenge})


def require_principal(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency: the request's Principal; 401 without a valid token, 403 without one of `roles`."""

    async def principal(
        request: Request,
        verifier: Annotated[TokenVerifier, Depends(get_token_verifier)],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise _unauthorized("A bearer access token is required.")
        try:
            found = await verifier.verify(credentials.credentials)
        except InvalidToken as rejected:
            logger.info("Rejected an access token on %s: %s", request.url.path, rejected)
            raise _unauthorized("The access token is invalid or expired.", error="invalid_token") from None
        if roles and not found.has_any_role(*roles):
            raise HTTPException(
                HTTPStatus.FORBIDDEN,
                detail=f"This needs one of the roles: {', '.join(roles)}.",
                headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
            )
        request.state.principal = found
        return found

    return principal


# Any signed-in role (admin, user, viewer): what reading takes.
SignedIn = Annotated[Principal, Depends(require_principal())]
