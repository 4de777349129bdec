"""Starting a process of inference-bridge (the API or the worker): never without a loadable model."""

from __future__ import annotations

from inference_bridge.model import ModelUnavailable, load_model, model_dir_from_env
from service_kit import run


def serve(process: str, app: str, *, port_env: str, default_port: int) -> None:
    """Serves `app` (an import string) on `port_env`, or exits with a message naming the training command."""
    try:
        load_model(model_dir_from_env())
    except ModelUnavailable as error:
        raise SystemExit(f"{process} cannot start: {error}") from None
    run(app, port_env=port_env, default_port=default_port)
