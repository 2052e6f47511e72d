"""The learning-rate finder against the grid search it replaces.

For each data set (digits, breast_cancer, Friedman #1 regression) and solver
(adam, sgd): a GridSearchCV over a 7-value log grid of the learning rate
(3-fold), one ``find_learning_rate`` run on the same training data, and the
3-fold score of a fit at each suggestion rule's rate on the grid's folds.
Prints a markdown table: grid-best rate and score, each rule's rate and score,
and the seconds of the grid search and of one finder run.

Run ``python benchmarks/bench_lr_finder.py`` (``--smoothing 0.95`` or
``--n-steps 100`` to try other finder settings than the defaults).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_friedman1
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, find_learning_rate
from skperceptron._core import SUGGESTIONS

GRID = np.logspace(-4, 2, 7)  # 1e-4, 1e-3, ..., 100


def _friedman():
    X, y = make_friedman1(n_samples=1000, noise=1.0, random_state=0)
    return X, (y - y.mean()) / y.std()


# name -> (data loader, model, folds)
WORKLOADS = {
    "digits": (
        lambda: load_digits(return_X_y=True),
        lambda **kw: DeepMLPClassifier(
            (32,), max_iter=30, batch_size=32, random_state=0, **kw
        ),
        StratifiedKFold(3, shuffle=True, random_state=0),
    ),
    "breast_cancer": (
        lambda: load_breast_cancer(return_X_y=True),
        lambda **kw: DeepMLPClassifier(
            (16,), max_iter=30, batch_size=32, random_state=0, **kw
        ),
        StratifiedKFold(3, shuffle=True, random_state=0),
    ),
    "friedman1": (
        _friedman,
        lambda **kw: DeepMLPRegressor(
            hidden_layer_sizes=(32,), max_iter=30, batch_size=32, random_state=0, **kw
        ),
        KFold(3, shuffle=True, random_state=0),
    ),
}


def _timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def compare(name, solver, finder_options):
    """One row: grid search, finder, and the 3-fold score of each rule's rate."""
    load, make_model, folds = WORKLOADS[name]
    X, y = load()
    pipeline = make_pipeline(StandardScaler(), make_model(solver=solver))
    param = f"{pipeline.steps[-1][0]}__learning_rate_init"
    search, grid_seconds = _timed(
        lambda: GridSearchCV(pipeline, {param: GRID}, cv=folds).fit(X, y)
    )
    finder, finder_seconds = _timed(
        lambda: find_learning_rate(pipeline, X, y, **finder_options)
    )
    smoothed, rates = finder.smoothed_losses, finder.learning_rates
    row = {
        "grid_rate": search.best_params_[param],
        "grid_score": search.best_score_,
        "grid_seconds": grid_seconds,
        "finder_seconds": finder_seconds,
    }
    for rule, read in SUGGESTIONS.items():
        rate = read(rates, smoothed)
        scores = cross_val_score(pipeline.set_params(**{param: rate}), X, y, cv=folds)
        row[rule] = (rate, scores.mean())
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoothing", type=float)
    parser.add_argument("--n-steps", type=int)
    args = parser.parse_args()
    options = {
        name: value
        for name, value in [("smoothing", args.smoothing), ("n_steps", args.n_steps)]
        if value is not None
    }
    rules = list(SUGGESTIONS)
    print(
        "| data | solver | grid-best rate | grid score | "
        + " | ".join(f"{rule} rate | {rule} score" for rule in rules)
        + " | grid s | finder s |"
    )
    print("|---" * (6 + 2 * len(rules)) + "|")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.simplefilter("ignore", UserWarning)
        for name in WORKLOADS:
            for solver in ("adam", "sgd"):
                row = compare(name, solver, options)
                cells = [name, solver, f"{row['grid_rate']:.0e}"]
                cells.append(f"{row['grid_score']:.3f}")
                for rule in rules:
                    rate, score = row[rule]
                    cells += [f"{rate:.2g}", f"{score:.3f}"]
                cells += [f"{row['grid_seconds']:.1f}", f"{row['finder_seconds']:.2f}"]
                print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
