"""The model: deterministic training, metrics above a sanity floor, honest loading, unknown carriers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from contract_types.openapi.inference import UsStateCode

from inference_bridge.domain.model import EtaModel, ModelUnavailable, load_model
from inference_bridge.domain.model.artifact import CURRENT_FILE, artifact_path
from inference_bridge.domain.model.dataset import STATE_CODES
from inference_bridge.domain.model.features import carrier_category, encode
from inference_bridge.domain.model.train import train


def test_the_same_seed_gives_the_same_artifact_and_metrics(tmp_path: Path):
    first = train(seed=3, rows=4000, output=tmp_path / "a")
    second = train(seed=3, rows=4000, output=tmp_path / "b")
    other = train(seed=4, rows=4000, output=tmp_path / "c")
    assert first["artifact_sha256"] == second["artifact_sha256"]
    assert first["version"] == second["version"]
    assert first["metrics"] == second["metrics"]
    assert other["artifact_sha256"] != first["artifact_sha256"]
    assert (tmp_path / "a" / CURRENT_FILE).read_text().strip() == first["version"]


def test_metrics_clear_a_sanity_floor(model: EtaModel):
    regression, delay = model.card["metrics"]["transit_hours"], model.card["metrics"]["delay"]
    # Far better than predicting the median for everything, and well above chance at ranking late shipments.
    assert regression["mae_hours"] < 0.4 * regression["baseline_mae_hours"]
    assert regression["r2"] > 0.8
    assert delay["roc_auc"] > 0.85
    # Better calibrated than always answering the base rate (whose Brier score is p(1-p)).
    assert delay["brier_score"] < 0.8 * delay["late_rate"] * (1 - delay["late_rate"])
    data = model.card["data"]
    assert sum(bin["count"] for bin in delay["reliability"]) == data["validation_rows"]
    assert data["training_rows"] + data["validation_rows"] == data["rows"] == 20_000


def test_the_card_describes_the_artifact(model: EtaModel, model_dir: Path):
    card = json.loads((model_dir / f"eta-{model.version}.card.json").read_text())
    assert card == model.card
    assert [feature["name"] for feature in card["features"]] == [
        "origin", "destination", "distance_km", "weight_kg", "mode", "carrier", "pickup_weekday", "pickup_hour",
        "pickup_month"]
    assert "other" in next(f for f in card["features"] if f["name"] == "carrier")["categories"]
    assert card["trained_at"].endswith("Z") and card["training_seconds"] > 0


def _row(carrier: str) -> np.ndarray:
    return encode(origin=["TX"], destination=["IL"], distance_km=[1480.0], weight_kg=[9000.0], mode=["ltl"],
                  carrier=[carrier], pickup_weekday=[1], pickup_hour=[9.0], pickup_month=[11])


def test_an_unknown_carrier_is_predicted_as_other(model: EtaModel):
    assert carrier_category("Acme-Freight") == "other"
    assert carrier_category(" ODFL ") == "odfl"
    unknown, other, known = model.predict(_row("acme-freight")), model.predict(_row("other")), model.predict(_row("odfl"))
    assert unknown == other
    assert unknown[1][0] != known[1][0], "the carrier matters to the delay risk"


def test_a_state_without_lanes_in_the_data_still_gets_a_prediction(model: EtaModel):
    hours, probability = model.predict(encode(
        origin=["AK"], destination=["WA"], distance_km=[2400.0], weight_kg=[5000.0], mode=["ftl"], carrier=["swift"],
        pickup_weekday=[2], pickup_hour=[10.0], pickup_month=[6]))
    assert np.isfinite(hours).all() and 0 <= probability[0] <= 1


def test_loading_refuses_a_missing_or_altered_model(tmp_path: Path, model_dir: Path, model: EtaModel):
    with pytest.raises(ModelUnavailable, match="python -m inference_bridge.domain.model.train"):
        load_model(tmp_path)
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in model_dir.iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    artifact = artifact_path(copy, model.version)
    artifact.write_bytes(artifact.read_bytes() + b"tampered")
    with pytest.raises(ModelUnavailable, match="does not match its model card"):
        load_model(copy)


@pytest.mark.parametrize("module", ["inference_bridge", "inference_bridge.worker"])
def test_the_processes_refuse_to_start_without_a_model(tmp_path: Path, module: str):
    env = {**os.environ, "MODEL_DIR": str(tmp_path / "empty"), "INFERENCE_PORT": "1", "INFERENCE_WORKER_PORT": "1"}
    finished = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert "cannot start: No ETA model in" in finished.stderr
    assert "python -m inference_bridge.domain.model.train" in finished.stderr


def test_the_training_command_prints_its_figures(tmp_path: Path):
    finished = subprocess.run(
        [sys.executable, "-m", "inference_bridge.domain.model.train", "--rows", "3000", "--seed", "5", "--output", str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    version = (tmp_path / CURRENT_FILE).read_text().strip()
    assert f"trained ETA model {version} on 3000 rows (seed 5)" in finished.stdout
    assert "ROC AUC" in finished.stdout and "MAE" in finished.stdout


def test_treelite_predicts_what_scikit_learn_predicts(model: EtaModel):
    # Both evaluate the same float64 thresholds and sum float64 leaf values, in another order: 1e-12 relative.
    from inference_bridge.domain.model import dataset
    from inference_bridge.domain.model.features import encode_frame

    matrix = encode_frame(dataset.generate(2000, seed=99).features)
    matrix[::7, 0] = np.nan  # a state without lanes in the data
    matrix[::11, 5] = 57.0  # a category code the model never saw
    matrix[::13, 1] = -1.0  # a negative category
    matrix[::17, 2] = np.nan  # a missing number
    matrix[::19, 4] = 1.5  # a category code no encoding makes
    hours, probability = model.predict(matrix)
    regressor, classifier = model.estimators()
    np.testing.assert_allclose(hours, np.exp(regressor.predict(matrix)), rtol=1e-12)
    np.testing.assert_allclose(probability, classifier.predict_proba(matrix)[:, 1], rtol=1e-12, atol=1e-15)


SERVE_AND_LIST_MODULES = """
import json, sys
from inference_bridge.app import create_app
from inference_bridge.domain.model import model_or_exit
from inference_bridge.domain.model.features import encode
from inference_bridge.settings import InferenceSettings
from inference_bridge.worker.app import create_worker_app

settings = InferenceSettings()
model = model_or_exit("test", settings.model_dir)
create_app(settings, model)
create_worker_app(settings, model)
hours, probability = model.predict(encode(
    origin=["TX"], destination=["IL"], distance_km=[1480.0], weight_kg=[9000.0], mode=["ltl"], carrier=["swift"],
    pickup_weekday=[1], pickup_hour=[9.0], pickup_month=[11]))
print(json.dumps({"hours": float(hours[0]), "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def test_serving_a_model_imports_neither_scikit_learn_nor_pandas(model: EtaModel, model_dir: Path):
    # What both serving processes do at start (the settings, the model, the app) and per request, in a fresh
    # interpreter: scikit-learn and pandas would add about 100 MiB to each.
    finished = subprocess.run([sys.executable, "-c", SERVE_AND_LIST_MODULES], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "MODEL_DIR": str(model_dir)})
    assert finished.returncode == 0, finished.stderr
    served = json.loads(finished.stdout.splitlines()[-1])
    assert served["hours"] == float(model.predict(_row("swift"))[0][0])
    assert "treelite" in served["modules"], "the check would mean nothing if no model had been loaded"
    assert not {"sklearn", "pandas", "joblib"} & set(served["modules"])


def test_a_model_of_the_previous_artifact_format_still_serves(tmp_path: Path, model: EtaModel):
    # Format 1, as training wrote it before format 2: the estimators alone, by joblib, named by a 1.x version.
    import joblib

    from inference_bridge.domain.model.artifact import FIRST_FORMAT, card_path, sha256_of

    regressor, classifier = model.estimators()
    staging = tmp_path / "staging.joblib"
    joblib.dump({"format": FIRST_FORMAT, "generator_version": 1, "seed": 11, "rows": 20_000,
                 "regressor": regressor, "classifier": classifier}, staging)
    sha256 = sha256_of(staging)
    version = f"1.1.{int(sha256[:8], 16)}"
    staging.replace(tmp_path / f"eta-{version}.joblib")
    assert artifact_path(tmp_path, version) == tmp_path / f"eta-{version}.joblib"
    card_path(tmp_path, version).write_text(json.dumps({**model.card, "version": version, "artifact_sha256": sha256}))
    (tmp_path / CURRENT_FILE).write_text(version + "\n")

    previous = load_model(tmp_path)
    assert previous.version == version
    matrix = encode(origin=["TX", "AK", "CA"], destination=["IL", "WA", "CA"], distance_km=[1480.0, 2400.0, 300.0],
                    weight_kg=[9000.0, 5000.0, 800.0], mode=["ftl", "ftl", "ltl"], carrier=["swift", "acme", "odfl"],
                    pickup_weekday=[1, 2, 5], pickup_hour=[9.0, 10.0, 16.5], pickup_month=[11, 6, 1])
    for served, expected in zip(previous.predict(matrix), model.predict(matrix), strict=True):
        np.testing.assert_array_equal(served, expected)
    previous_regressor, _ = previous.estimators()
    np.testing.assert_array_equal(previous_regressor.predict(matrix), regressor.predict(matrix))


def test_every_state_the_model_knows_is_a_code_the_contract_accepts():
    # The contract's UsStateCode is what the API accepts; the model answers for codes it saw no lane of too.
    assert set(STATE_CODES) < {code.value for code in UsStateCode}
