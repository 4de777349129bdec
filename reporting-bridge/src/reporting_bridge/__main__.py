"""`python -m reporting_bridge`: serves the app on BIND_ADDRESS:REPORTING_PORT (default 8002)."""

from service_kit import run

if __name__ == "__main__":
    run("reporting_bridge.app:app", port_env="REPORTING_PORT", default_port=8002)
