"""Tree-ensemble runtimes for the ETA model, in one process: one row and 1000-row batches, and each one's largest
difference from scikit-learn's own predict (decision 0018).

    /work/main/var/tools/uv/bin/uv run --with onnxruntime==1.31.1 --with skl2onnx==1.20.0 --with tl2cgen==1.0.0 \\
        python benchmarks/eta_runtimes.py [--model-dir var/models] [--seconds 1]

Compares scikit-learn's `predict`, the service's runtime (`TreeliteEtaModel`: Treelite's GTIL), tl2cgen (the same
Treelite model compiled to C by gcc; `--opt` sets the optimisation level, `-O1` by default: `-O3` compiles for
minutes) and ONNX Runtime through skl2onnx, each with one thread. The inputs: 5,000 generated shipments plus 200
edge rows (NaN, unseen and negative category codes). A runtime that is missing or cannot convert the model is
reported as such. Run it twice: the cores are shared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from inference_bridge.domain.model import dataset, load_model
from inference_bridge.domain.model.features import encode_frame
from inference_bridge.domain.model.runtime import TreeliteEtaModel

Predict = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def tl2cgen_runtime(model: TreeliteEtaModel, opt: str) -> Predict:
    import tl2cgen

    work = Path(tempfile.mkdtemp(prefix="eta-tl2cgen-"))
    started = time.perf_counter()
    predictors = []
    for name, forest in (("transit", model.regressor), ("delay", model.classifier)):
        library = work / f"{name}.so"
        tl2cgen.export_lib(forest.model, toolchain="gcc", libpath=str(library), params={"parallel_comp": 2},
                           nthread=2, options=[opt])
        predictors.append((forest, tl2cgen.Predictor(str(library), nthread=1)))
    print(f"tl2cgen: both models compiled with gcc {opt} in {time.perf_counter() - started:.1f} s")

    def raw(forest, predictor, matrix: np.ndarray) -> np.ndarray:
        matrix = forest._unknown_categories_as_missing(np.ascontiguousarray(matrix, dtype=np.float64))
        return predictor.predict(tl2cgen.DMatrix(matrix, dtype="float64"), pred_margin=True).reshape(-1)

    (transit, transit_lib), (delay, delay_lib) = predictors
    return lambda m: (np.exp(raw(transit, transit_lib, m)), 1 / (1 + np.exp(-raw(delay, delay_lib, m))))


def onnx_runtime(regressor, classifier, sample: np.ndarray) -> Predict:
    import onnxruntime
    from skl2onnx import to_onnx

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    sessions = []
    for estimator, extra in ((regressor, {}), (classifier, {"options": {"zipmap": False}})):
        converted = to_onnx(estimator, sample[:1].astype(np.float32), **extra)
        sessions.append(onnxruntime.InferenceSession(converted.SerializeToString(), options,
                                                     providers=["CPUExecutionProvider"]))
    transit, delay = sessions

    def predict(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        matrix = matrix.astype(np.float32)
        hours = transit.run(None, {transit.get_inputs()[0].name: matrix})[0].reshape(-1)
        return np.exp(hours), delay.run(None, {delay.get_inputs()[0].name: matrix})[1][:, 1]

    return predict


def timed(predict: Predict, matrix: np.ndarray, seconds: float) -> tuple[float, float]:
    """(mean, best) seconds of a call."""
    predict(matrix)
    calls, best, started = 0, float("inf"), time.perf_counter()
    while time.perf_counter() - started < seconds:
        call = time.perf_counter()
        predict(matrix)
        best = min(best, time.perf_counter() - call)
        calls += 1
    return (time.perf_counter() - started) / calls, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=Path("var/models"), help="a trained model (var/models)")
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement (1)")
    parser.add_argument("--opt", default="-O1", help="gcc optimisation level for tl2cgen (-O1)")
    args = parser.parse_args()
    threadpool_limits(limits=1)
    model = load_model(args.model_dir)
    matrix = encode_frame(dataset.generate(5000, 7).features)
    edge = matrix[:200].copy()
    edge[np.random.default_rng(3).random(edge.shape) < 0.2] = np.nan
    edge[:50, 0], edge[50:100, 5] = 99.0, -1.0
    inputs = np.vstack([matrix, edge])

    regressor, classifier = model.estimators()

    def scikit_learn(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.exp(regressor.predict(m)), classifier.predict_proba(m)[:, 1]

    runtimes: dict[str, Predict | str] = {"scikit-learn predict": scikit_learn,
                                          "Treelite GTIL (the service's)": model.runtime.predict}
    for name, make in (("tl2cgen " + args.opt, lambda: tl2cgen_runtime(model.runtime, args.opt)),
                       ("ONNX Runtime via skl2onnx", lambda: onnx_runtime(regressor, classifier, matrix))):
        try:
            runtimes[name] = make()
        except Exception as error:  # a runtime that cannot take this model is a result, not a crash
            cause = error.__cause__ or error
            runtimes[name] = f"unavailable: {type(cause).__name__}: {str(cause).splitlines()[0][:120]}"

    expected_hours, expected_probability = scikit_learn(inputs)
    print(f"\none thread each; {len(inputs)} rows compared; {args.seconds} s per timing\n")
    print(f"{'runtime':<32} {'1 row mean µs':>13} {'best':>7} {'1000 rows ms':>12} {'rows/s':>9} "
          f"{'max rel. err. hours':>19} {'max abs. err. P':>15}")
    for name, predict in runtimes.items():
        if isinstance(predict, str):
            print(f"{name:<32} {predict}")
            continue
        hours, probability = predict(inputs)
        one_mean, one_best = timed(predict, matrix[:1], args.seconds)
        batch_mean, _ = timed(predict, matrix[:1000], args.seconds)
        print(f"{name:<32} {one_mean * 1e6:>13,.0f} {one_best * 1e6:>7,.0f} {batch_mean * 1e3:>12.1f} "
              f"{1000 / batch_mean:>9,.0f} {np.max(np.abs(hours / expected_hours - 1)):>19.1e} "
              f"{np.max(np.abs(probability - expected_probability)):>15.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
