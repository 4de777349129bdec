"""The ETA and delay-risk model: the synthetic dataset (`dataset`), its encoding (`features`), training and
evaluation (`train`, run as `python -m inference_bridge.domain.model.train`), and the artifact the service loads
(`artifact`)."""

from inference_bridge.domain.model.artifact import EtaModel, ModelUnavailable, load_model, model_or_exit

__all__ = ["EtaModel", "ModelUnavailable", "load_model", "model_or_exit"]
