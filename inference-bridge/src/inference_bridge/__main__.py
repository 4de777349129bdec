"""`python -m inference_bridge`: serves the app on BIND_ADDRESS:INFERENCE_PORT (default 8001)."""

from service_kit import run

if __name__ == "__main__":
    run("inference_bridge.app:app", port_env="INFERENCE_PORT", default_port=8001)
