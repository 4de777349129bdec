"""Hand-written, not generated: an account of a given role, made the one way the platform allows.

Nobody chooses a role above `user` for themselves: the account registers through the public API
(POST /api/auth/register answers it as a `user`), then an admin gives it its role through the admin API
(PATCH /api/auth/users/{id}); the first admin is the bootstrap one auth-service creates from ADMIN_EMAIL and
ADMIN_PASSWORD. The e2e tests, the chaos workload, `./platform seed` and the sandbox's `platform_users` fixture all
need such accounts; `Registrar` is that path, written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .auth.api.account import register_user
from .auth.api.users import update_user
from .auth.models import CreateUserRequest, Role, UpdateUserRequest, User
from .auth.types import Response
from .session import PlatformSession

Send = Callable[[Callable[[], Response[Any]]], Response[Any]]


def send_once(call: Callable[[], Response[Any]]) -> Response[Any]:
    return call()


class Registrar:
    """Registers accounts through `api` (any session: registering needs no sign-in) and gives them their role as
    `admin`: an admin's signed-in session, or a function that returns one when a role above `user` first needs it
    (so a caller that only makes users needs no admin credentials). `send` makes each call, once by default; a caller
    may make it again, e.g. after the 429 of the gateway's per-address limit on registrations. A refusal raises
    ApiError."""

    def __init__(self, api: PlatformSession, admin: PlatformSession | Callable[[], PlatformSession] | None = None,
                 send: Send = send_once) -> None:
        self.api = api
        self._admin = admin
        self.send = send

    def register(self, email: str, name: str, password: str, role: Role | str = Role.USER) -> User:
        """A new account with `role` (ValueError for a role the contract does not name, before anything is sent)."""
        role = Role(role)
        # The admin before the registration: a missing or refused admin leaves no account behind as a mere user.
        admin = None if role == Role.USER else self._signed_in_admin()
        user = self.api.expect(self.send(lambda: register_user.sync_detailed(
            client=self.api.auth, body=CreateUserRequest(email=email, name=name, password=password))), User, 201)
        return self._change_role(admin, user, role) if admin is not None else user

    def give_role(self, user: User, role: Role | str) -> User:
        """The account with `role`: `user` itself when it has it already, else as the admin API answers the change."""
        role = Role(role)
        return user if user.role == role else self._change_role(self._signed_in_admin(), user, role)

    def sign_up(self, session: PlatformSession, email: str, name: str, password: str,
                role: Role | str = Role.USER) -> User:
        """`register()`, then `session` signed in as the new account: every later call through it is that user's."""
        user = self.register(email, name, password, role)
        session.sign_in(email, password)
        return user

    def _signed_in_admin(self) -> PlatformSession:
        """The admin's session (signed in by the function given, on first use)."""
        if self._admin is None:
            raise ValueError("no admin session: only an admin gives a role above `user` (Registrar(admin=...))")
        if not isinstance(self._admin, PlatformSession):
            self._admin = self._admin()
        return self._admin

    def _change_role(self, admin: PlatformSession, user: User, role: Role) -> User:
        return admin.expect(self.send(lambda: update_user.sync_detailed(
            user.id, client=admin.auth, body=UpdateUserRequest(role=role))), User, 200)
