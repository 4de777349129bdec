"""What a request's path serves, whatever its method: the `Allow` of a 405, and HEAD wherever GET is served."""

from __future__ import annotations

from fastapi.routing import iter_route_contexts
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def allowed_methods(scope: Scope) -> set[str]:
    """Every method of every route of the app (scope["app"]) whose path matches the request's, and HEAD with GET;
    empty when no route's path matches.

    Starlette's 405 names the methods of the first route whose path matched only: FastAPI makes a route per method
    and path (GET and POST /api/reports are two), so a PUT on /api/reports was told `Allow: POST`.
    """
    methods: set[str] = set()
    for context in iter_route_contexts(scope["app"].routes):
        if context.methods and context.matches(scope)[0] is not Match.NONE:
            methods |= context.methods
    if "GET" in methods:
        methods.add("HEAD")  # ImplicitHeadMiddleware serves it
    return methods


class ImplicitHeadMiddleware:
    """Answers HEAD wherever GET is served, as the GET without its body (RFC 9110 section 9.3.2; what Spring does on
    the Java side). FastAPI routes only the methods a route declares, and declaring HEAD on every GET route would
    add a HEAD operation per GET to the OpenAPI documents, which the contracts do not have."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or "GET" not in allowed_methods(scope):
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the headers (Content-Length included) are the GET's; the body is not sent
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server and the outer middlewares (access log, metrics) still see the HEAD that came.
        await self.app({**scope, "method": "GET"}, receive, send_without_body)
