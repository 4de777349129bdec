"""`python -m inference_bridge`: serves the app on BIND_ADDRESS:INFERENCE_PORT (default 8001); refuses to
start without a loadable model, saying how to train one."""

from functools import partial

from inference_bridge.app import create_app
from inference_bridge.domain.model import model_or_exit
from inference_bridge.settings import InferenceSettings
from service_kit import run, settings_or_exit


def main() -> None:
    settings = settings_or_exit(InferenceSettings)
    model = model_or_exit("inference-bridge", settings.model_dir)
    run(partial(create_app, settings, model), settings=settings, port=settings.port)


if __name__ == "__main__":
    main()
