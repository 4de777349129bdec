"""`python -m inference_bridge.worker`: the job worker on BIND_ADDRESS:INFERENCE_WORKER_PORT (default 8011),
serving /health and /metrics. It refuses to start without a loadable model, saying how to train one."""

from inference_bridge.model import ModelUnavailable, load_model, model_dir_from_env
from service_kit import run

if __name__ == "__main__":
    try:
        load_model(model_dir_from_env())
    except ModelUnavailable as error:
        raise SystemExit(f"inference-worker cannot start: {error}") from None
    run("inference_bridge.worker:app", port_env="INFERENCE_WORKER_PORT", default_port=8011)
