"""Shipments as the model's numeric matrix: one encoding for training and for every prediction path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from inference_bridge.domain.model.dataset import CARRIERS, FEATURES, MODES, OTHER_CARRIER, STATE_CODES

if TYPE_CHECKING:
    import pandas as pd

_STATE_INDEX = {code: float(i) for i, code in enumerate(STATE_CODES)}
_MODE_INDEX = {mode: float(i) for i, mode in enumerate(MODES)}
_CARRIER_INDEX = {carrier: float(i) for i, carrier in enumerate(CARRIERS)}
_OTHER_INDEX = _CARRIER_INDEX[OTHER_CARRIER]

# Column order of the matrix; True where the column is categorical (HistGradientBoosting's native support).
CATEGORICAL_MASK = np.array([name in ("origin", "destination", "mode", "carrier") for name in FEATURES])


def carrier_category(carrier: str) -> str:
    """The model's category of a carrier id: a known one, else "other" (small and unknown carriers)."""
    normalised = carrier.strip().lower()
    return normalised if normalised in _CARRIER_INDEX else OTHER_CARRIER


def encode(
    *,
    origin: Sequence[str],
    destination: Sequence[str],
    distance_km: Sequence[float],
    weight_kg: Sequence[float],
    mode: Sequence[str],
    carrier: Sequence[str],
    pickup_weekday: Sequence[int],
    pickup_hour: Sequence[float],
    pickup_month: Sequence[int],
) -> np.ndarray:
    """The (rows, len(FEATURES)) float matrix. A state the model saw no lane of (AK, HI, ...) is NaN, which
    the trees treat as a missing category; an unknown carrier is "other"."""
    nan = float("nan")
    return np.column_stack([
        np.fromiter((_STATE_INDEX.get(code, nan) for code in origin), float, len(origin)),
        np.fromiter((_STATE_INDEX.get(code, nan) for code in destination), float, len(destination)),
        np.asarray(distance_km, dtype=float),
        np.asarray(weight_kg, dtype=float),
        np.fromiter((_MODE_INDEX[m] for m in mode), float, len(mode)),
        np.fromiter((_CARRIER_INDEX.get(c.strip().lower(), _OTHER_INDEX) for c in carrier), float, len(carrier)),
        np.asarray(pickup_weekday, dtype=float),
        np.asarray(pickup_hour, dtype=float),
        np.asarray(pickup_month, dtype=float),
    ])


def encode_frame(frame: pd.DataFrame) -> np.ndarray:
    return encode(**{name: frame[name].to_numpy() for name in FEATURES})
