"""`run`: the process entry point of a service (`python -m <service>`), uvicorn on BIND_ADDRESS:<port>."""

from __future__ import annotations

import os

import uvicorn
from starlette.types import ASGIApp

from service_kit.logs import configure_logging
from service_kit.settings import ServiceSettings, read_port


def run(app: str | ASGIApp, *, port_env: str, default_port: int) -> None:
    """Serve `app` (an app, or its import string such as "inference_bridge.app:app") until stopped.

    Pass the import string so that logging is configured before the app module is imported.
    """
    try:
        settings = ServiceSettings.from_env()
        port = read_port(os.environ, port_env, default_port)
    except ValueError as error:
        raise SystemExit(f"Invalid configuration: {error}") from None
    configure_logging(settings.log_format)
    uvicorn.run(
        app,
        host=settings.bind_address,
        port=port,
        # Logging is ours (configure_logging), and so is the access log, which has the request id.
        log_config=None,
        access_log=False,
        server_header=False,
    )
