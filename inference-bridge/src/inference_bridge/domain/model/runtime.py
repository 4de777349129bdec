"""The fitted HistGradientBoosting trees evaluated by Treelite's General Tree Inference Library (GTIL), a maintained
tree-ensemble runtime in C++ (decision 0018, which measured it against ONNX Runtime, tl2cgen's compiled code and
scikit-learn's own predict).

Training imports the fitted estimators into Treelite and the artifact (format 2) stores Treelite's own serialised
models with the categories each estimator was fitted on, so serving loads them without scikit-learn (decision 0031);
an artifact of format 1 holds only the estimators, imported when it loads. Treelite takes every decision as scikit-learn does but one: a category the model never saw (or a negative code) goes to the right
child in Treelite and the missing-value way in scikit-learn. `features.encode` makes such codes only for a state or
carrier absent from the training data; they are turned into NaN (scikit-learn's own reading of them) before the trees
see them, so both runtimes give the same numbers on every input. The tests compare the two on random and edge
inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import treelite
from scipy.special import expit

# One thread per call: a request predicts a few rows, and the machine's cores are shared with the other parts.
PREDICTION_THREADS = 1


def known_categories(estimator: Any) -> dict[int, np.ndarray]:
    """Column -> the category codes `estimator` was fitted on, for its categorical columns.

    scikit-learn exposes them only through the fitted preprocessor (an OrdinalEncoder per categorical column, in
    column order); Treelite's importer reads the same attribute, so a scikit-learn change breaks both at once."""
    categorical = np.flatnonzero(estimator.is_categorical_) if estimator.is_categorical_ is not None else []
    if len(categorical) == 0:
        return {}
    encoder = estimator._preprocessor.named_transformers_["encoder"]
    known = {int(column): np.asarray(codes, dtype=float)
             for column, codes in zip(categorical, encoder.categories_, strict=True)}
    return {column: codes[~np.isnan(codes)] for column, codes in known.items()}


class TreeliteForest:
    """The raw score (baseline + sum of leaf values) of one fitted single-output HistGradientBoosting model."""

    def __init__(self, model: treelite.Model, known: dict[int, np.ndarray]) -> None:
        self.model = model
        self.known_categories = known
        self.categorical_columns = np.array(sorted(known), dtype=np.intp)
        # known_table[i, code]: whether categorical column i's code was seen in training; codes are small integers.
        width = int(max((codes.max() for codes in known.values()), default=-1)) + 1
        self.known_table = np.zeros((len(known), max(width, 1)), dtype=bool)
        for i, column in enumerate(self.categorical_columns):
            self.known_table[i, known[int(column)].astype(np.intp)] = True

    @classmethod
    def from_estimator(cls, estimator: Any) -> TreeliteForest:
        return cls(treelite.sklearn.import_model(estimator), known_categories(estimator))

    def _unknown_categories_as_missing(self, matrix: np.ndarray) -> np.ndarray:
        if not len(self.categorical_columns):
            return matrix
        codes = matrix[:, self.categorical_columns]
        inside = (codes >= 0) & (codes < self.known_table.shape[1]) & (codes == np.floor(codes))
        known = self.known_table[np.arange(len(self.categorical_columns)), np.where(inside, codes, 0).astype(np.intp)]
        unknown = ~(inside & known) & ~np.isnan(codes)
        if not unknown.any():
            return matrix
        codes[unknown] = np.nan  # codes is a copy (fancy indexing): the caller's matrix stays as it was
        matrix = matrix.copy()
        matrix[:, self.categorical_columns] = codes
        return matrix

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        matrix = self._unknown_categories_as_missing(np.ascontiguousarray(matrix, dtype=np.float64))
        return treelite.gtil.predict(self.model, matrix, nthread=PREDICTION_THREADS, pred_margin=True).reshape(-1)


class TreeliteEtaModel:
    """Both estimators of an EtaModel: (log hours -> hours, P(late))."""

    def __init__(self, regressor: TreeliteForest, classifier: TreeliteForest) -> None:
        self.regressor = regressor
        self.classifier = classifier

    @classmethod
    def from_estimators(cls, regressor: Any, classifier: Any) -> TreeliteEtaModel:
        return cls(TreeliteForest.from_estimator(regressor), TreeliteForest.from_estimator(classifier))

    def predict(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.exp(self.regressor.raw(matrix)), expit(self.classifier.raw(matrix))
