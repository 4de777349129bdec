"""The trained model on disk, and loading it.

`<MODEL_DIR>/eta-<version>.joblib` holds both estimators; `eta-<version>.card.json` is its model card (with the
artifact's sha256, checked on load); `<MODEL_DIR>/CURRENT` names the version the service serves. Versions are
semantic versions: major = the artifact format and feature set, minor = the dataset generator's version,
patch = the first 32 bits of the artifact's sha256 as a number, so two different trainings never share one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from inference_bridge.domain.model.runtime import TreeliteEtaModel

ARTIFACT_FORMAT = 1
CURRENT_FILE = "CURRENT"
TRAIN_COMMAND = "python -m inference_bridge.domain.model.train"


class ModelUnavailable(RuntimeError):
    """No loadable model: the message says where it looked and how to make one."""


def artifact_path(model_dir: Path, version: str) -> Path:
    return model_dir / f"eta-{version}.joblib"


def card_path(model_dir: Path, version: str) -> Path:
    return model_dir / f"eta-{version}.card.json"


def version_of(sha256: str, generator_version: int) -> str:
    return f"{ARTIFACT_FORMAT}.{generator_version}.{int(sha256[:8], 16)}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class EtaModel:
    version: str
    regressor: Any  # predicts log(transit hours)
    classifier: Any  # predicts P(late)
    card: dict[str, Any]
    runtime: TreeliteEtaModel

    def predict(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(transit hours, delay probability) per row of an encoded matrix (features.encode), by Treelite's
        runtime: the estimators' own numbers, without scikit-learn's fixed cost per tree and call."""
        return self.runtime.predict(matrix)


def load_model(model_dir: Path) -> EtaModel:
    """The model CURRENT names in `model_dir`; ModelUnavailable (with the training command) if there is none
    or it does not match its card."""
    hint = f"train one with `{TRAIN_COMMAND} --output {model_dir}` (./platform up does it when it is missing)"
    current = model_dir / CURRENT_FILE
    if not current.is_file():
        raise ModelUnavailable(f"No ETA model in {model_dir} ({CURRENT_FILE} is missing): {hint}.")
    version = current.read_text().strip()
    artifact, card_file = artifact_path(model_dir, version), card_path(model_dir, version)
    if not artifact.is_file() or not card_file.is_file():
        raise ModelUnavailable(f"{CURRENT_FILE} in {model_dir} names model {version!r}, whose files are missing: {hint}.")
    card = json.loads(card_file.read_text())
    actual = sha256_of(artifact)
    if actual != card.get("artifact_sha256"):
        raise ModelUnavailable(f"{artifact} does not match its model card (sha256 {actual}): {hint}.")
    try:
        content = joblib.load(artifact)
    except Exception as error:  # unpickling a file from another scikit-learn version can fail in many ways
        raise ModelUnavailable(f"{artifact} cannot be loaded ({type(error).__name__}: {error}): {hint}.") from None
    if not isinstance(content, dict) or content.get("format") != ARTIFACT_FORMAT:
        raise ModelUnavailable(f"{artifact} is not an ETA model artifact of format {ARTIFACT_FORMAT}: {hint}.")
    regressor, classifier = content["regressor"], content["classifier"]
    return EtaModel(version=version, regressor=regressor, classifier=classifier, card=card,
                    runtime=TreeliteEtaModel(regressor, classifier))


def model_or_exit(process: str, model_dir: Path) -> EtaModel:
    """The model a process's entry point serves; without one the process stops, naming the training command."""
    try:
        return load_model(model_dir)
    except ModelUnavailable as error:
        raise SystemExit(f"{process} cannot start: {error}") from None
