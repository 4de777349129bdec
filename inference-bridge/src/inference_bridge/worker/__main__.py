"""`python -m inference_bridge.worker`: the job worker on BIND_ADDRESS:INFERENCE_WORKER_PORT (default 8011),
serving /health and /metrics; refuses to start without a loadable model, saying how to train one."""

from functools import partial

from inference_bridge.domain.model import model_or_exit
from inference_bridge.settings import InferenceSettings
from inference_bridge.worker.app import create_worker_app
from service_kit import run, settings_or_exit


def main() -> None:
    settings = settings_or_exit(InferenceSettings)
    model = model_or_exit("inference-worker", settings.model_dir)
    run(partial(create_worker_app, settings, model), settings=settings, port=settings.worker_port)


if __name__ == "__main__":
    main()
