"""`python -m inference_bridge`: serves the app on BIND_ADDRESS:INFERENCE_PORT (default 8001).

It refuses to start without a loadable model, saying how to train one."""

from inference_bridge.model import ModelUnavailable, load_model, model_dir_from_env
from service_kit import run

if __name__ == "__main__":
    try:
        load_model(model_dir_from_env())
    except ModelUnavailable as error:
        raise SystemExit(f"inference-bridge cannot start: {error}") from None
    run("inference_bridge.app:app", port_env="INFERENCE_PORT", default_port=8001)
