"""The ETA and delay-risk model: the synthetic dataset (`dataset`), its encoding (`features`), training and
evaluation (`train`, run as `python -m inference_bridge.model.train`), and the artifact the service loads
(`artifact`)."""

from inference_bridge.model.artifact import EtaModel, ModelUnavailable, load_model, model_dir_from_env

__all__ = ["EtaModel", "ModelUnavailable", "load_model", "model_dir_from_env"]
