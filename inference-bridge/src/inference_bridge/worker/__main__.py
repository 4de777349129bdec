"""`python -m inference_bridge.worker`: the job worker on BIND_ADDRESS:INFERENCE_WORKER_PORT (default 8011),
serving /health and /metrics; refuses to start without a loadable model, saying how to train one."""

from inference_bridge.serve import serve

if __name__ == "__main__":
    serve("inference-worker", "inference_bridge.worker:app", port_env="INFERENCE_WORKER_PORT", default_port=8011)
