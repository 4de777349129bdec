"""`python -m inference_bridge`: serves the app on BIND_ADDRESS:INFERENCE_PORT (default 8001); refuses to
start without a loadable model, saying how to train one."""

from inference_bridge.serve import serve

if __name__ == "__main__":
    serve("inference-bridge", "inference_bridge.app:app", port_env="INFERENCE_PORT", default_port=8001)
