"""Signed-in users of any role, made the way a real one is: registered through the public API, promoted by the
bootstrap admin through the admin API when the role is above `user` (the documented path: auth-service creates that
admin from ADMIN_EMAIL/ADMIN_PASSWORD on start; there is no other way to an admin, here or in production), then
signed in. Each gets a fresh, unique email: tests share nothing through their users.
"""

from __future__ import annotations

import secrets
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from platform_client import PlatformSession, Registrar
from platform_client.auth.models import Role

from platform_sandbox.notifications import NotificationFeed
from platform_sandbox.sandbox import (
    ADMIN_EMAIL_VARIABLE,
    ADMIN_PASSWORD_VARIABLE,
    Sandbox,
)

ROLES = tuple(role.value for role in Role)
EMAIL_DOMAIN = "example.com"  # reserved for examples (RFC 2606): no mail ever leaves for a real person
CLIENT_TIMEOUT_SECONDS = 30


@dataclass
class SandboxUser:
    """A signed-in user: `api` is the generated client (platform_client.PlatformSession: `.auth`, `.inference`,
    `.notification`, `.reporting`, `.operations`, `expect()`), `notifications` its live feed (None when the factory
    was asked for none)."""

    id: str
    email: str
    password: str
    role: str
    api: PlatformSession
    notifications: NotificationFeed | None = field(default=None, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        """The access token as a header, for a raw request (httpx) the typed client cannot make."""
        assert self.api.tokens is not None, "signed out"
        return {"Authorization": f"Bearer {self.api.tokens.access_token}"}


def unique_email(prefix: str = "sandbox") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}@{EMAIL_DOMAIN}"


def origin_of(url: str) -> str:
    """scheme://host:port of a URL: the Origin a browser on the gateway's console would send."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SandboxUsers:
    """The factory behind the `platform_users` fixture: `users(role="user"|"viewer"|"admin")`; `close()` signs every
    session out of this process (the accounts stay: see the README for what is and is not reset)."""

    def __init__(self, sandbox: Sandbox, notifications: bool = True) -> None:
        self.sandbox = sandbox
        self.notifications = notifications
        self._open = ExitStack()
        # Registers through a session that never signs in; the bootstrap admin signs in once, when a role above
        # `user` first needs it (an attached sandbox may not know its credentials).
        self._registrar = Registrar(self._session(), admin=self._admin_session)
        self.created: list[SandboxUser] = []

    def __call__(self, role: str = "user", *, name: str = "Sandbox User",
                 notifications: bool | None = None) -> SandboxUser:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        email, password = unique_email(), secrets.token_urlsafe(18)
        api = self._session()
        registered = self._registrar.sign_up(api, email, name, password, role)
        user = SandboxUser(str(registered.id), email, password, role, api)
        if self.notifications if notifications is None else notifications:
            user.notifications = NotificationFeed(api, self.sandbox.websocket_url,
                                                  origin_of(self.sandbox.gateway_url)).open()
            self._open.callback(user.notifications.close)
        self.created.append(user)
        return user

    def close(self) -> None:
        self._open.close()

    def _session(self) -> PlatformSession:
        return self._open.enter_context(PlatformSession(self.sandbox.gateway_url, timeout=CLIENT_TIMEOUT_SECONDS))

    def _admin_session(self) -> PlatformSession:
        email = self.sandbox.require("a user above `user`", self.sandbox.admin_email, ADMIN_EMAIL_VARIABLE)
        password = self.sandbox.require("a user above `user`", self.sandbox.admin_password, ADMIN_PASSWORD_VARIABLE)
        admin = self._session()
        admin.sign_in(email, password)
        return admin
