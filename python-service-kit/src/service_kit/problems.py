"""RFC 9457 problem details: the platform's one error shape, identical to the Java services'.

Every error a service answers (400, 404, 405, 422, 500, 503 while its Redis is unreachable, and any HTTPException
a handler raises) is
`application/problem+json` with `type, title, status, detail, instance` and, for invalid input,
`errors: [{pointer, message}]` where `pointer` is a JSON Pointer into the request (`/body/email`,
`/query/page`, `/path/id`, `/header/x-token`). The body is the contract's `Problem` (contracts/schemas,
generated into contract_types.schemas.problem); its `type` and `title` come from the contract's problem types
(contracts/problems/problem-types.yaml, generated into contract_types.problems.ProblemType): `/problems/<name>`,
never `about:blank`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from contract_types.problems import ProblemType
from contract_types.schemas.problem import FieldError, Problem
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import MISSING
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit.outages import DEPENDENCY_UNAVAILABLE_DETAIL, RETRY_AFTER_SECONDS, is_dependency_outage
from service_kit.request_id import current_request_id
from service_kit.routing import allowed_methods

PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)


class ProblemResponse(Response):
    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Problem) -> bytes:
        return content.model_dump_json().encode()  # members left out stay out (MISSING), never null


# What RFC 3986 lets a path hold as it is: unreserved and sub-delimiter characters, ":", "@", "/", and "%" when it
# starts an escape; anything else is percent-encoded, byte by byte.
_NOT_AS_IS_IN_A_PATH = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@/%-]|%(?![0-9A-Fa-f]{2})")


def problem_instance(scope: Scope) -> str:
    """A problem's `instance`: the request's path as the client sent it, which is a URI reference; not scope["path"],
    which the server has percent-decoded (a space, "ü", even "/" from "%2F"). What a lenient server passes on beyond
    the characters of a URI is encoded."""
    raw = scope.get("raw_path") or scope["path"].encode()  # raw_path is optional in ASGI
    text = raw.decode("latin-1").partition("?")[0]  # latin-1: one character per byte, each encoded below as that byte
    return _NOT_AS_IS_IN_A_PATH.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode("latin-1")), text)


def problem_response(
    scope: Scope,
    problem_type: ProblemType,
    *,
    status: int | None = None,
    detail: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    """A problem of `problem_type` about the request of `scope` (its title; its status unless `status` is given: a
    fallback type such as bad-request stands for every status that has no type of its own)."""
    status = status or problem_type.status
    problem = Problem(
        type=problem_type.value,
        title=problem_type.title,
        status=status,
        detail=MISSING if detail is None else detail,
        instance=problem_instance(scope),
        errors=MISSING if not errors else list(errors),
    )
    return ProblemResponse(problem, status_code=status, headers=headers)


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def json_pointer(location: Sequence[str | int]) -> str:
    """RFC 6901 pointer from a validation error location such as ("body", "items", 0, "name")."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in location)


async def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    """Router 404/405 and every HTTPException raised by a handler or dependency."""
    if exc.status_code in (HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED):  # these must not have a body
        return Response(status_code=exc.status_code, headers=exc.headers)
    if isinstance(exc.detail, str) and exc.detail != status_phrase(exc.status_code):
        detail = exc.detail
    elif exc.status_code == HTTPStatus.NOT_FOUND:
        detail = f"Nothing is served at {request.url.path}."
    elif exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        detail = f"{request.method} is not allowed on {request.url.path}; see the Allow header."
    else:
        detail = None
    headers = exc.headers
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED and (allowed := allowed_methods(request.scope)):
        # Every route of the path, not only the first one Starlette's 405 names.
        headers = {**(headers or {}), "Allow": ", ".join(sorted(allowed))}
    return problem_response(request.scope, ProblemType.for_status(exc.status_code), status=exc.status_code,
                            detail=detail, headers=headers)


async def request_validation_handler(request: Request, exc: RequestValidationError) -> Response:
    """Invalid input never reaches a handler: 400 for a body that is not JSON, 422 for invalid fields."""
    errors = exc.errors()
    malformed = next((error for error in errors if error["type"] == "json_invalid"), None)
    if malformed is not None:
        # FastAPI reports ("body", <character offset>) here: an offset is not a pointer, so point at the body.
        reason = malformed.get("ctx", {}).get("error", "invalid JSON")
        return problem_response(
            request.scope,
            ProblemType.MALFORMED_BODY,
            detail="The request body is not valid JSON.",
            errors=[FieldError(pointer="/body", message=f"{reason} at character {malformed['loc'][-1]}")],
        )
    return problem_response(
        request.scope,
        ProblemType.VALIDATION_ERROR,
        detail=f"{len(errors)} invalid value(s) in the request; see errors.",
        errors=[FieldError(pointer=json_pointer(error["loc"]), message=error["msg"]) for error in errors],
    )


class UnhandledErrorMiddleware:
    """Turns an exception no handler dealt with into a 500 problem that reveals nothing of the internals; a Redis
    outage (service_kit.outages) into a 503 problem with `Retry-After`, logged as a warning without its stack: it is
    the state of a dependency, not a defect, and one is logged per request while it lasts.

    Starlette's own catch-all sits outside every user middleware: its 500 would lack the X-Request-Id
    header, and it re-raises after answering, so the server logs the error a second time without the
    request id. Inside those middlewares, this logs once, with the request id, and answers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception as error:
            if is_dependency_outage(error) and not response_started:
                logger.warning("Dependency unavailable while serving %s %s: %s: %s", scope["method"], scope["path"],
                               type(error).__name__, error)
                response = problem_response(scope, ProblemType.SERVICE_UNAVAILABLE,
                                            detail=DEPENDENCY_UNAVAILABLE_DETAIL,
                                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            else:
                logger.exception("Unhandled error while serving %s %s", scope["method"], scope["path"])
                if response_started:
                    raise  # too late for a problem response: let the server abort the connection
                response = problem_response(
                    scope,
                    ProblemType.INTERNAL_ERROR,
                    detail=f"An unexpected error occurred. Quote request id {current_request_id()} when reporting it.",
                )
            await response(scope, receive, send)


# For `FastAPI(responses=...)`: FastAPI documents its own 422 body ({"detail": [...]}) on every operation
# with parameters unless the operation declares a 422, 4XX or default response. Declaring `default` as a
# Problem documents what the service really answers instead.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "default": {
        "description": "Error: RFC 9457 problem details",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers, and the Problem schemas that PROBLEM_RESPONSES refers to."""
    app.add_exception_handler(HTTPException, http_exception_handler)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, request_validation_handler)  # type: ignore[arg-type]

    _, schemas = models_json_schema([(Problem, "serialization")], ref_template="#/components/schemas/{model}")
    generate_openapi = app.openapi

    def openapi_with_problem_schemas() -> dict[str, Any]:
        document = generate_openapi()
        document.setdefault("components", {}).setdefault("schemas", {}).update(schemas["$defs"])
        return document

    app.openapi = openapi_with_problem_schemas  # type: ignore[method-assign]
