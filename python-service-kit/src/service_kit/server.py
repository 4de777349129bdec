"""`run`: the process entry point of a service (`python -m <service>`), uvicorn on BIND_ADDRESS:<port>."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp

from service_kit.logs import configure_logging
from service_kit.settings import ServiceSettings


def run(create_app: Callable[[], ASGIApp], *, settings: ServiceSettings, port: int) -> None:
    """Serve the app `create_app()` makes on `settings.bind_address`:`port` until stopped.

    The app is made by uvicorn (factory mode) after logging is configured, so that whatever the app logs
    while it is made goes through the platform's log format.
    """
    configure_logging(settings.log_format)
    uvicorn.run(
        create_app,
        factory=True,
        host=settings.bind_address,
        port=port,
        # Logging is ours (configure_logging), and so is the access log, which has the request id.
        log_config=None,
        access_log=False,
        server_header=False,
    )
