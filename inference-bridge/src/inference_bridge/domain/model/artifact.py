"""The trained model on disk, and loading it.

`<MODEL_DIR>/eta-<version>.pickle` is the artifact; `eta-<version>.card.json` is its model card (with the artifact's
sha256, checked on load); `<MODEL_DIR>/CURRENT` names the version the service serves. Versions are semantic versions:
major = the artifact format and feature set, minor = the dataset generator's version, patch = the first 32 bits of the
artifact's sha256 as a number, so two different trainings never share one.

Format 2 (decision 0031) is a pickle of built-in values only: both models in Treelite's own serialisation, the
category codes each estimator was fitted on, and the scikit-learn estimators pickled apart as one more byte string.
Serving reads it with an unpickler that refuses every class, so loading a model imports neither scikit-learn nor
pandas (about 100 MiB less per serving process); the estimators are unpickled only when something asks for them
(`EtaModel.estimators()`: the comparison with scikit-learn, training's tools). Format 1 (`eta-<version>.joblib`,
versions 1.x) holds only the estimators: it still loads and serves, by importing them into Treelite at load, and
with them scikit-learn.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import treelite

from inference_bridge.domain.model.runtime import TreeliteEtaModel, TreeliteForest

ARTIFACT_FORMAT = 2
FIRST_FORMAT = 1  # estimators only, by joblib
CURRENT_FILE = "CURRENT"
TRAIN_COMMAND = "python -m inference_bridge.domain.model.train"
ESTIMATOR_NAMES = ("regressor", "classifier")

Estimators = tuple[Any, Any]  # (HistGradientBoostingRegressor on log hours, HistGradientBoostingClassifier for late)


class ModelUnavailable(RuntimeError):
    """No loadable model: the message says where it looked and how to make one."""


def artifact_format_of(version: str) -> int:
    return int(version.split(".", 1)[0]) if version.split(".", 1)[0].isdigit() else ARTIFACT_FORMAT


def artifact_path(model_dir: Path, version: str) -> Path:
    suffix = "joblib" if artifact_format_of(version) == FIRST_FORMAT else "pickle"
    return model_dir / f"eta-{version}.{suffix}"


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


def artifact_bytes(*, generator_version: int, seed: int, rows: int, regressor: Any, classifier: Any) -> bytes:
    """A format-2 artifact of two fitted estimators (training's side; it has scikit-learn imported already)."""
    runtime = TreeliteEtaModel.from_estimators(regressor, classifier)
    forests = dict(zip(ESTIMATOR_NAMES, (runtime.regressor, runtime.classifier), strict=True))
    content = {
        "format": ARTIFACT_FORMAT, "generator_version": generator_version, "seed": seed, "rows": rows,
        "treelite": {name: forest.model.serialize_bytes() for name, forest in forests.items()},
        "known_categories": {name: {column: codes.tolist() for column, codes in forest.known_categories.items()}
                             for name, forest in forests.items()},
        "estimators": pickle.dumps({"regressor": regressor, "classifier": classifier}, protocol=5),
    }
    return pickle.dumps(content, protocol=5)


class _BuiltinsOnly(pickle.Unpickler):
    """Reads a pickle of dicts, lists, numbers and byte strings; any class in it is an error, never an import."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a format-{ARTIFACT_FORMAT} artifact holds no classes ({module}.{name})")


def _unpickle_estimators(blob: bytes) -> Estimators:
    content = pickle.loads(blob)  # imports scikit-learn: only when asked (EtaModel.estimators)
    return content["regressor"], content["classifier"]


@dataclass(frozen=True)
class EtaModel:
    version: str
    card: dict[str, Any]
    runtime: TreeliteEtaModel
    load_estimators: Callable[[], Estimators] = field(repr=False, compare=False)

    def predict(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(transit hours, delay probability) per row of an encoded matrix (features.encode), by Treelite's
        runtime: the estimators' own numbers, without scikit-learn's fixed cost per tree and call."""
        return self.runtime.predict(matrix)

    def estimators(self) -> Estimators:
        """(regressor, classifier) as scikit-learn fitted them. Imports scikit-learn on first call; serving never
        needs them."""
        return self.load_estimators()


def _read_format_2(data: bytes) -> tuple[TreeliteEtaModel, Callable[[], Estimators]]:
    content = _BuiltinsOnly(io.BytesIO(data)).load()
    if not isinstance(content, dict) or content.get("format") != ARTIFACT_FORMAT:
        raise ValueError(f"not a format-{ARTIFACT_FORMAT} artifact")
    forests = [TreeliteForest(treelite.Model.deserialize_bytes(content["treelite"][name]),
                              {int(column): np.asarray(codes, dtype=float)
                               for column, codes in content["known_categories"][name].items()})
               for name in ESTIMATOR_NAMES]
    blob = content["estimators"]
    return TreeliteEtaModel(*forests), functools.cache(lambda: _unpickle_estimators(blob))


def _read_format_1(path: Path) -> tuple[TreeliteEtaModel, Callable[[], Estimators]]:
    import joblib  # with scikit-learn: a format-1 artifact is nothing but the estimators

    content = joblib.load(path)
    if not isinstance(content, dict) or content.get("format") != FIRST_FORMAT:
        raise ValueError(f"not a format-{FIRST_FORMAT} artifact")
    estimators = content["regressor"], content["classifier"]
    return TreeliteEtaModel.from_estimators(*estimators), lambda: estimators


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
    data = artifact.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != card.get("artifact_sha256"):
        raise ModelUnavailable(f"{artifact} does not match its model card (sha256 {actual}): {hint}.")
    artifact_format = artifact_format_of(version)
    if artifact_format not in (FIRST_FORMAT, ARTIFACT_FORMAT):
        raise ModelUnavailable(f"{artifact} is of format {artifact_format}, which this version cannot read: {hint}.")
    try:
        runtime, load_estimators = _read_format_2(data) if artifact_format == ARTIFACT_FORMAT else _read_format_1(artifact)
    except Exception as error:  # a damaged file, or unpickling one from another library version, fails in many ways
        raise ModelUnavailable(f"{artifact} cannot be loaded as an ETA model artifact of format {artifact_format} "
                               f"({type(error).__name__}: {error}): {hint}.") from None
    return EtaModel(version=version, card=card, runtime=runtime, load_estimators=load_estimators)


def model_or_exit(process: str, model_dir: Path) -> EtaModel:
    """The model a process's entry point serves; without one the process stops, naming the training command."""
    try:
        return load_model(model_dir)
    except ModelUnavailable as error:
        raise SystemExit(f"{process} cannot start: {error}") from None
