"""`python -m inference_bridge.domain.model.train [--seed N] [--rows N] [--output DIR]`: generate the dataset, train,
evaluate on a held-out 20 %, write the artifact and its model card, and point CURRENT at it.

Deterministic for a seed: the same seed and row count give the same artifact bytes (hence version) and metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from threadpoolctl import threadpool_limits
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import brier_score_loss, log_loss, mean_absolute_error, r2_score, roc_auc_score

from inference_bridge.domain.model import dataset
from inference_bridge.domain.model.artifact import (
    CURRENT_FILE,
    artifact_bytes,
    artifact_path,
    card_path,
    sha256_of,
    version_of,
)
from inference_bridge.domain.model.features import CATEGORICAL_MASK, encode_frame
from inference_bridge.settings import InferenceSettings
from service_kit import settings_or_exit

DEFAULT_SEED = 42
DEFAULT_ROWS = 200_000
# OpenMP threads spin while they wait for each other: on a machine whose cores are busy with other work (the
# platform starting, other builds) two threads trained ten times slower than one. One is the safe default.
DEFAULT_THREADS = 1
VALIDATION_SHARE = 0.2
RELIABILITY_BINS = 10
MODEL_NAME = "eta-delay"

FEATURE_DESCRIPTIONS = {
    "origin": ("categorical", "Origin state (two-letter US code)"),
    "destination": ("categorical", "Destination state (two-letter US code)"),
    "distance_km": ("number", "Road distance, km"),
    "weight_kg": ("number", "Gross weight, kg"),
    "mode": ("categorical", "Transport mode"),
    "carrier": ("categorical", "Carrier id; ids the model does not know count as \"other\""),
    "pickup_weekday": ("integer", "Weekday of pickup_at in its own UTC offset, Monday = 0"),
    "pickup_hour": ("number", "Hour of day of pickup_at in its own UTC offset, with minutes as a fraction"),
    "pickup_month": ("integer", "Month of pickup_at, 1..12 (season)"),
}
CATEGORIES = {"origin": dataset.STATE_CODES, "destination": dataset.STATE_CODES, "mode": dataset.MODES,
              "carrier": dataset.CARRIERS}


def _estimator_settings(seed: int) -> dict[str, Any]:
    # No early stopping: its random validation split would be one more thing to keep deterministic, and a
    # fixed number of rounds keeps the training time predictable on two cores.
    return {"max_iter": 100, "learning_rate": 0.15, "max_leaf_nodes": 63, "min_samples_leaf": 40,
            "categorical_features": CATEGORICAL_MASK, "early_stopping": False, "random_state": seed}


def reliability_bins(probability: np.ndarray, outcome: np.ndarray) -> list[dict[str, Any]]:
    edges = np.linspace(0.0, 1.0, RELIABILITY_BINS + 1)
    index = np.clip(np.digitize(probability, edges[1:-1]), 0, RELIABILITY_BINS - 1)
    bins = []
    for i in range(RELIABILITY_BINS):
        members = index == i
        count = int(members.sum())
        bins.append({
            "lower": round(float(edges[i]), 2), "upper": round(float(edges[i + 1]), 2), "count": count,
            "mean_predicted": round(float(probability[members].mean()), 4) if count else None,
            "observed_rate": round(float(outcome[members].mean()), 4) if count else None,
        })
    return bins


def train(*, seed: int, rows: int, output: Path, threads: int = DEFAULT_THREADS) -> dict[str, Any]:
    """Trains, writes the artifact and card into `output`, points CURRENT at it; returns the card."""
    with threadpool_limits(limits=threads):
        return _train(seed=seed, rows=rows, output=output)


def _train(*, seed: int, rows: int, output: Path) -> dict[str, Any]:
    started = time.perf_counter()
    data = dataset.generate(rows, seed)
    matrix = encode_frame(data.features)
    order = np.random.default_rng(seed + 1).permutation(rows)
    validation_rows = int(rows * VALIDATION_SHARE)
    held_out, training = order[:validation_rows], order[validation_rows:]

    regressor = HistGradientBoostingRegressor(loss="squared_error", **_estimator_settings(seed))
    regressor.fit(matrix[training], np.log(data.transit_hours[training]))
    classifier = HistGradientBoostingClassifier(**_estimator_settings(seed))
    classifier.fit(matrix[training], data.late[training])

    predicted_hours = np.exp(regressor.predict(matrix[held_out]))
    actual_hours = data.transit_hours[held_out]
    probability = classifier.predict_proba(matrix[held_out])[:, 1]
    late = data.late[held_out]
    metrics = {
        "transit_hours": {
            "mae_hours": round(float(mean_absolute_error(actual_hours, predicted_hours)), 3),
            "rmse_hours": round(float(np.sqrt(np.mean((actual_hours - predicted_hours) ** 2))), 3),
            "r2": round(float(r2_score(actual_hours, predicted_hours)), 4),
            "median_actual_hours": round(float(np.median(actual_hours)), 2),
            # What predicting the training median for everything would score: the floor the model must beat.
            "baseline_mae_hours": round(float(np.mean(np.abs(
                actual_hours - np.median(data.transit_hours[training])))), 3),
        },
        "delay": {
            "roc_auc": round(float(roc_auc_score(late, probability)), 4),
            "brier_score": round(float(brier_score_loss(late, probability)), 4),
            "log_loss": round(float(log_loss(late, probability)), 4),
            "late_rate": round(float(late.mean()), 4),
            "reliability": reliability_bins(probability, late),
        },
    }

    output.mkdir(parents=True, exist_ok=True)
    staging = output / f".eta-{os.getpid()}.artifact.tmp"
    staging.write_bytes(artifact_bytes(generator_version=dataset.GENERATOR_VERSION, seed=seed, rows=rows,
                                       regressor=regressor, classifier=classifier))
    sha256 = sha256_of(staging)
    version = version_of(sha256, dataset.GENERATOR_VERSION)
    staging.replace(artifact_path(output, version))

    card = {
        "name": MODEL_NAME,
        "version": version,
        "artifact_sha256": sha256,
        "algorithm": f"scikit-learn {sklearn.__version__} HistGradientBoostingRegressor on log transit hours "
                     "+ HistGradientBoostingClassifier for late arrival",
        "targets": {
            "transit_hours": "hours from pickup to delivery",
            "delay_probability": "probability of arriving after the mode's service standard for the distance",
        },
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training_seconds": round(time.perf_counter() - started, 2),
        "data": {
            "generator": "inference_bridge.domain.model.dataset (synthetic, documented in its docstring and docs/flows.md)",
            "generator_version": dataset.GENERATOR_VERSION,
            "seed": seed,
            "rows": rows,
            "training_rows": int(len(training)),
            "validation_rows": validation_rows,
        },
        "features": [
            {"name": name, "type": kind, "description": description,
             **({"categories": list(CATEGORIES[name])} if name in CATEGORIES else {})}
            for name, (kind, description) in FEATURE_DESCRIPTIONS.items()
        ],
        "metrics": metrics,
    }
    _write_atomically(card_path(output, version), json.dumps(card, indent=2) + "\n")
    _write_atomically(output / CURRENT_FILE, version + "\n")  # last: a reader never sees a half-written model
    return card


def _write_atomically(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staging.write_text(text)
    staging.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference_bridge.domain.model.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"dataset and model seed ({DEFAULT_SEED})")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help=f"rows to generate ({DEFAULT_ROWS})")
    parser.add_argument("--output", type=Path, default=None,
                        help="model directory (default: MODEL_DIR, else <PLATFORM_DATA_DIR>/models, else var/models)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"OpenMP threads for training ({DEFAULT_THREADS}; more helps only on idle cores)")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        parser.error("--rows must be at least 1000 (a smaller held-out split says nothing)")
    output = args.output or settings_or_exit(InferenceSettings).model_dir
    card = train(seed=args.seed, rows=args.rows, output=output, threads=max(1, args.threads))
    regression, delay = card["metrics"]["transit_hours"], card["metrics"]["delay"]
    print(f"trained ETA model {card['version']} on {args.rows} rows (seed {args.seed}) in "
          f"{card['training_seconds']} s: MAE {regression['mae_hours']} h (baseline {regression['baseline_mae_hours']} h), "
          f"R² {regression['r2']}, ROC AUC {delay['roc_auc']}, Brier {delay['brier_score']} -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
