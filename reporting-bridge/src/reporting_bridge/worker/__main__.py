"""`python -m reporting_bridge.worker`: the report worker on BIND_ADDRESS:REPORTING_WORKER_PORT (default 8012),
serving /health and /metrics."""

from functools import partial

from reporting_bridge.settings import ReportingSettings
from reporting_bridge.worker.app import create_worker_app
from service_kit import run, settings_or_exit


def main() -> None:
    settings = settings_or_exit(ReportingSettings)
    run(partial(create_worker_app, settings), settings=settings, port=settings.worker_port)


if __name__ == "__main__":
    main()
