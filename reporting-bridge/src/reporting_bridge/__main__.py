"""`python -m reporting_bridge`: serves the app on BIND_ADDRESS:REPORTING_PORT (default 8002)."""

from functools import partial

from reporting_bridge.app import create_app
from reporting_bridge.settings import ReportingSettings
from service_kit import run, settings_or_exit


def main() -> None:
    settings = settings_or_exit(ReportingSettings)
    run(partial(create_app, settings), settings=settings, port=settings.port)


if __name__ == "__main__":
    main()
