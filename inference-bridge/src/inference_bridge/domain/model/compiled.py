"""HistGradientBoosting trees evaluated all at once with numpy, for the small inputs the API serves.

scikit-learn predicts tree by tree, each call entering an OpenMP region: for one row that is 2 models x 100
rounds of fixed cost, most of a request's time (see docs/performance.md). Here every tree of a model is one
slice of a single node table, and all trees step down one level per numpy operation, so one row costs about
a tree's depth in numpy calls. Same decisions as scikit-learn's `_predict_one_from_raw_data` (NaN and
negative or unseen categories follow the node's missing-value direction; categories go left when in the
node's bitset); the tests compare both on random and edge inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit


class CompiledForest:
    """The raw score (baseline + sum of leaf values) of a fitted single-output HistGradientBoosting model."""

    def __init__(self, estimator: Any) -> None:
        predictors = [iteration[0] for iteration in estimator._predictors]
        offsets = np.cumsum([0] + [len(p.nodes) for p in predictors[:-1]])
        bitset_offsets = np.cumsum([0] + [len(p.raw_left_cat_bitsets) for p in predictors[:-1]])
        nodes = np.concatenate([p.nodes for p in predictors])
        tree_of_node = np.repeat(np.arange(len(predictors)), [len(p.nodes) for p in predictors])
        self.roots = offsets.astype(np.intp)
        self.feature = nodes["feature_idx"].astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(float)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.left = (nodes["left"] + offsets[tree_of_node]).astype(np.intp)
        self.right = (nodes["right"] + offsets[tree_of_node]).astype(np.intp)
        self.is_leaf = nodes["is_leaf"].astype(bool)
        self.is_categorical = nodes["is_categorical"].astype(bool)
        self.bitset = (nodes["bitset_idx"] + bitset_offsets[tree_of_node]).astype(np.intp)
        self.value = nodes["value"].astype(float)
        self.left_bitsets = np.concatenate([p.raw_left_cat_bitsets for p in predictors]).astype(np.uint32)
        known, f_idx_map = estimator._bin_mapper.make_known_categories_bitsets()
        self.known_bitsets = np.asarray(known, dtype=np.uint32)
        self.known_index = np.asarray(f_idx_map, dtype=np.intp)
        self.baseline = float(np.ravel(estimator._baseline_prediction)[0])
        # With categorical features, scikit-learn first re-encodes them (OrdinalEncoder, unknown -> NaN) and
        # puts them in front of the numeric columns: node feature indices refer to that order.
        self.columns: list[tuple[int, np.ndarray | None]] = []
        preprocessor = getattr(estimator, "_preprocessor", None)
        if preprocessor is None:
            self.columns = [(j, None) for j in range(estimator.n_features_in_)]
        else:
            for name, transformer, mask in preprocessor.transformers_:
                if name == "remainder":
                    continue
                indices = np.flatnonzero(mask)
                categories = transformer.categories_ if name == "encoder" else [None] * len(indices)
                self.columns += [(int(j), None if c is None else np.asarray(c, dtype=float))
                                 for j, c in zip(indices, categories, strict=True)]
        self.max_depth = int(nodes["depth"].max()) + 1

    @staticmethod
    def _in_bitset(bitsets: np.ndarray, rows: np.ndarray, category: np.ndarray) -> np.ndarray:
        category = category.astype(np.intp)
        return ((bitsets[rows, category >> 5] >> (category & 31).astype(np.uint32)) & 1).astype(bool)

    def _preprocess(self, X: np.ndarray) -> np.ndarray:
        columns = []
        for j, categories in self.columns:
            values = X[:, j]
            if categories is not None:
                position = np.minimum(np.searchsorted(categories, values), len(categories) - 1)
                values = np.where(categories[position] == values, position.astype(float), np.nan)
            columns.append(values)
        return np.column_stack(columns)

    def raw(self, X: np.ndarray) -> np.ndarray:
        X = self._preprocess(np.asarray(X, dtype=float))
        n_rows = X.shape[0]
        node = np.repeat(self.roots[:, None], n_rows, axis=1)  # (trees, rows)
        row = np.broadcast_to(np.arange(n_rows), node.shape)
        for _ in range(self.max_depth):
            active = ~self.is_leaf[node]
            if not active.any():
                break
            current, rows = node[active], row[active]
            value = X[rows, self.feature[current]]
            missing = np.isnan(value)
            go_left = np.where(missing, self.missing_left[current], value <= self.threshold[current])
            categorical = self.is_categorical[current] & ~missing
            if categorical.any():
                nodes_c, value_c = current[categorical], value[categorical]
                negative = value_c < 0
                safe = np.where(negative, 0, np.minimum(value_c, 255))
                in_left = self._in_bitset(self.left_bitsets, self.bitset[nodes_c], safe)
                known = self._in_bitset(self.known_bitsets, self.known_index[self.feature[nodes_c]], safe)
                as_missing = self.missing_left[nodes_c]
                go_left[categorical] = np.where(negative, as_missing,
                                                np.where(in_left, True, np.where(known, False, as_missing)))
            node[active] = np.where(go_left, self.left[current], self.right[current])
        return self.baseline + self.value[node].sum(axis=0)


class CompiledEtaModel:
    """Both estimators of an EtaModel, compiled: (log hours -> hours, P(late))."""

    def __init__(self, regressor: Any, classifier: Any) -> None:
        self.regressor = CompiledForest(regressor)
        self.classifier = CompiledForest(classifier)

    def predict(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.exp(self.regressor.raw(matrix)), expit(self.classifier.raw(matrix))
