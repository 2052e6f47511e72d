"""Grid searches: scikit-learn's over its MLP and ours, and our stacked search.

Each workload runs three searches on the same data, interleaved run by run in
this one process, and prints a markdown table of median wall times and CPU
times (``time.process_time``: on a shared machine, the time this process
actually ran), their ratios to scikit-learn's ``GridSearchCV(MLPClassifier)``
and whether ``best_params_`` agree:

- ``sklearn``: ``sklearn.model_selection.GridSearchCV`` over ``MLPClassifier``;
- ``sklearn+ours``: the same search over ``DeepMLPClassifier``;
- ``stacked``: ``skperceptron.model_selection.GridSearchCV`` over
  ``DeepMLPClassifier`` (candidates of a group trained as one stack).

Workloads (all on digits, ``Pipeline(StandardScaler, model)``,
``StratifiedKFold(3)``, ``n_jobs=1``):

- W6: hidden (64,), ``max_iter=60``, learning_rate_init {1e-3, 1e-2, 1e-1} x
  batch_size {16, 64, 256};
- W6b: hidden (64,), ``max_iter=60``, 5 learning rates x 5 alphas;
- W6c: hidden (512, 512), ``max_iter=10``, 3 learning rates x 2 alphas, a
  network where the matrix products dominate.

Run ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_search.py``
(``--repeats 1`` for a quick look, ``--only W6`` to pick workloads); one BLAS
thread makes the CPU times comparable.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier
from skperceptron.model_selection import GridSearchCV

WORKLOADS = {
    "W6": dict(
        hidden=(64,),
        max_iter=60,
        grid={"learning_rate_init": [1e-3, 1e-2, 1e-1], "batch_size": [16, 64, 256]},
    ),
    "W6b": dict(
        hidden=(64,),
        max_iter=60,
        grid={
            "learning_rate_init": list(np.logspace(-4, 0, 5)),
            "alpha": list(np.logspace(-5, 1, 5)),
        },
    ),
    "W6c": dict(
        hidden=(512, 512),
        max_iter=10,
        grid={"learning_rate_init": [1e-4, 1e-3, 1e-2], "alpha": [1e-4, 1e-1]},
    ),
}


def _systems(hidden, max_iter):
    def pipeline(model_class):
        model = model_class(hidden, max_iter=max_iter, random_state=0)
        return Pipeline([("scale", StandardScaler()), ("mlp", model)])

    return {
        "sklearn": (SklearnGridSearchCV, pipeline(MLPClassifier)),
        "sklearn+ours": (SklearnGridSearchCV, pipeline(DeepMLPClassifier)),
        "stacked": (GridSearchCV, pipeline(DeepMLPClassifier)),
    }


def make_search(system, spec):
    """The unfitted search of a workload: "sklearn", "sklearn+ours" or "stacked"."""
    search_class, estimator = _systems(spec["hidden"], spec["max_iter"])[system]
    grid = {f"mlp__{name}": values for name, values in spec["grid"].items()}
    return search_class(estimator, grid, cv=StratifiedKFold(3), n_jobs=1)


def _timed_search(search, X, y):
    start, cpu_start = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    return (time.perf_counter() - start, time.process_time() - cpu_start), search


def run_workload(name, repeats, X, y):
    spec = WORKLOADS[name]
    systems = ("sklearn", "sklearn+ours", "stacked")
    times = {system: [] for system in systems}
    searches = {}
    for _ in range(repeats):
        for system in systems:
            seconds, searches[system] = _timed_search(make_search(system, spec), X, y)
            times[system].append(seconds)
    medians = {
        system: tuple(map(statistics.median, zip(*t))) for system, t in times.items()
    }
    return medians, searches


def _report(name, medians, searches):
    wall_reference, cpu_reference = medians["sklearn"]
    ours = searches["sklearn+ours"]
    stacked = searches["stacked"]
    same_scores = np.allclose(
        ours.cv_results_["mean_test_score"],
        stacked.cv_results_["mean_test_score"],
        rtol=1e-9,
    )
    for system, (wall, cpu) in medians.items():
        best = searches[system].best_params_
        same = best == searches["sklearn"].best_params_
        print(
            f"| {name} | {system} | {wall:.1f} | {wall / wall_reference:.2f} "
            f"| {cpu:.1f} | {cpu / cpu_reference:.2f} "
            f"| {searches[system].best_score_:.4f} | {same} |"
        )
    print(f"stacked scores equal sklearn+ours to 1e-9: {same_scores}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default=",".join(WORKLOADS))
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    print(
        "| workload | search | wall s | wall ratio | CPU s | CPU ratio "
        "| best score | same best_params_ as sklearn |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in args.only.split(","):
        medians, searches = run_workload(name, args.repeats, X, y)
        _report(name, medians, searches)


if __name__ == "__main__":
    main()
