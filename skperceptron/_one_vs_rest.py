"""One-vs-rest for the step perceptron: one binary perceptron per class.

As in scikit-learn's Perceptron, each class gets its own binary problem (the
class against the rest) with its own random seed and its own stopping rule, so
a class that separates early stops early while a hard one goes on. The
problems run in threads when ``n_jobs`` asks for it.
"""

import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from ._fitting import TrainingDivergedError, warn_max_iter_reached

_BINARY_CLASSES = np.array([False, True])


def _fit_binary(estimator, X, y_is_class, sample_weight, coef, intercept, incremental):
    """One class against the rest, starting from its row of weights.

    Returns the problem and the divergence error it raised, if any: a
    diverged problem still holds finite weights, which the others need.
    """
    problem = estimator
    problem.classes_ = _BINARY_CLASSES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # warned once, below
        try:
            problem._fit(X, y_is_class, sample_weight, incremental, coef, intercept)
        except TrainingDivergedError as error:
            return problem, error
    return problem, None


def _summed_curves(curves):
    """Epoch-wise sum of the problems' losses; a stopped problem keeps its last."""
    n_epochs = max(len(curve) for curve in curves)
    return [
        sum(curve[min(epoch, len(curve) - 1)] for curve in curves if curve)
        for epoch in range(n_epochs)
    ]


def fit_one_vs_rest(estimator, X, y, sample_weight, coef, intercept, incremental):
    """Fit one binary perceptron per class and gather their weights.

    ``coef`` (n_classes, n_features) and ``intercept`` (n_classes,) are the
    starting weights; ``sample_weight`` already includes the class weights.
    """
    classes = estimator.classes_
    seeds = check_random_state(estimator.random_state).randint(
        np.iinfo(np.int32).max, size=len(classes)
    )
    params = estimator.get_params()
    params.update(class_weight=None, warm_start=False, n_jobs=None)
    outcomes = Parallel(n_jobs=estimator.n_jobs, prefer="threads")(
        delayed(_fit_binary)(
            type(estimator)(**{**params, "random_state": seed}),
            X,
            y == label,
            sample_weight,
            coef[k : k + 1],
            intercept[k : k + 1],
            incremental,
        )
        for k, (label, seed) in enumerate(zip(classes, seeds))
    )
    problems = [problem for problem, _ in outcomes]
    estimator.coef_ = np.vstack([problem.coef_ for problem in problems])
    estimator.intercept_ = np.concatenate([problem.intercept_ for problem in problems])
    estimator.n_iter_ = max(problem.n_iter_ for problem in problems)
    estimator.t_ += estimator.n_iter_ * X.shape[0]
    estimator.loss_curve_.extend(_summed_curves([p.loss_curve_ for p in problems]))
    errors = [error for _, error in outcomes if error is not None]
    if errors:  # every class keeps finite weights; report the first divergence
        estimator.__dict__.pop("_optimizer", None)
        raise errors[0]
    stopped_by_budget = estimator.n_iter_ == estimator.max_iter
    if not incremental and estimator.tol is not None and stopped_by_budget:
        warn_max_iter_reached(estimator.max_iter)
