"""One-vs-rest for the step perceptron: one binary perceptron per class.

As in scikit-learn's Perceptron, each class gets its own binary problem (the
class against the rest) with its own random seed and its own stopping rule, so
a class that separates early stops early while a hard one goes on. The
problems run in threads when ``n_jobs`` asks for it.

``fit_step_rule`` runs them with the exact per-sample rule of the core's
``perceptron_rule``, drawing seeds, visiting orders, class weights and the
early-stopping split as scikit-learn's SGD does, so that the weights are
scikit-learn's. ``fit_one_vs_rest`` runs them with averaged mini-batches.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight

from ._core import StepRule, run_step_rule, visiting_order
from ._fitting import TrainingDivergedError, warn_max_iter_reached

_MAX_SEED = np.iinfo(np.int32).max

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


def _validation_mask(estimator, y, sample_weight):
    """Rows held out for early stopping (None without), split as scikit-learn does."""
    if not estimator.early_stopping:
        return None
    splitter = StratifiedShuffleSplit(
        test_size=estimator.validation_fraction, random_state=estimator.random_state
    )
    try:
        train, held_out = next(splitter.split(np.zeros((len(y), 1)), y))
    except ValueError as error:  # the splitter names its own test_size
        raise ValueError(
            f"validation_fraction={estimator.validation_fraction} cannot hold out "
            f"a stratified validation set from {len(y)} samples: {error}. Change "
            "validation_fraction, add samples or set early_stopping=False."
        ) from error
    if not np.any(sample_weight[held_out] > 0):
        raise ValueError(
            "The sample weights for validation set are all zero, consider using a "
            "different random state."
        )
    if not len(train) or not len(held_out):
        raise ValueError(
            f"Splitting {len(y)} samples with validation_fraction="
            f"{estimator.validation_fraction} left an empty training or validation "
            "set. Change validation_fraction, add samples or set early_stopping=False."
        )
    mask = np.zeros(len(y), dtype=bool)
    mask[held_out] = True
    return mask


def _step_rule(estimator, X, incremental):
    """The core's description of the run, from the estimator's parameters."""
    return StepRule(
        eta0=estimator.eta0,
        penalty=estimator.penalty,
        alpha=estimator.alpha,
        l1_ratio=estimator.l1_ratio,
        fit_intercept=estimator.fit_intercept,
        intercept_decay=0.01 if sp.issparse(X) else 1.0,
        max_iter=1 if incremental else estimator.max_iter,
        tol=estimator.tol,
        n_iter_no_change=estimator.n_iter_no_change,
        verbose=estimator.verbose,
    )


def _fit_class(
    estimator, X, is_class, class_weights, seed, held_out, sample_weight, start, rule
):
    """Class ``is_class`` against the rest, with scikit-learn's draws in its order."""
    y = np.where(is_class, 1.0, -1.0)
    rng = check_random_state(seed)
    rng.randint(1, _MAX_SEED)  # scikit-learn's dataset seed, unused by the rule
    if held_out is None:
        held_out = _validation_mask(estimator, y, sample_weight)
    shuffle_seed = rng.randint(_MAX_SEED)
    weight_pos, weight_neg = class_weights
    steps = estimator.eta0 * (
        np.where(is_class, weight_pos, weight_neg) * sample_weight
    )
    plan = {
        "order": visiting_order(shuffle_seed, len(y)) if estimator.shuffle else None
    }
    if held_out is not None:
        plan["train"] = ~held_out
        plan["validation"] = (X[held_out], y[held_out], sample_weight[held_out])
    return run_step_rule(X, y, steps, start[0], start[1], rule, **plan)


def _class_problems(estimator, y, sample_weight):
    """(positive-class mask, (pos, neg) weights, seed, held-out rows) per problem.

    Two classes make one problem, the second class positive; more make one per
    class, where the rest keep weight 1 as in scikit-learn.
    """
    classes = estimator.classes_
    weights = compute_class_weight(estimator.class_weight, classes=classes, y=y)
    if len(classes) == 2:
        return [
            (y == classes[1], (weights[1], weights[0]), estimator.random_state, None)
        ]
    held_out = _validation_mask(estimator, y, sample_weight)
    seeds = check_random_state(estimator.random_state).randint(
        _MAX_SEED, size=len(classes)
    )
    return [
        (y == label, (weight, 1.0), seed, held_out)
        for label, weight, seed in zip(classes, weights, seeds)
    ]


def fit_step_rule(estimator, X, y, sample_weight, coef, intercept, incremental):
    """Fit every problem with the exact per-sample rule; set the fitted attributes.

    ``sample_weight`` holds the sample weights only (None for ones); ``coef``
    and ``intercept`` the starting weights, one row per problem.
    """
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0], dtype=X.dtype)
    rule = _step_rule(estimator, X, incremental)
    problems = _class_problems(estimator, y, sample_weight)
    results = Parallel(n_jobs=estimator.n_jobs, prefer="threads")(
        delayed(_fit_class)(
            estimator, X, *problem, sample_weight, (coef[k], intercept[k]), rule
        )
        for k, problem in enumerate(problems)
    )
    estimator.coef_ = np.vstack([r.coef for r in results]).astype(X.dtype)
    estimator.intercept_ = np.array([r.intercept for r in results], dtype=X.dtype)
    estimator.n_iter_ = max(r.n_iter for r in results)
    estimator.t_ += estimator.n_iter_ * X.shape[0]
    estimator.loss_curve_.extend(_summed_curves([r.loss_curve for r in results]))
    _report_outcome(estimator, results, incremental)


def _report_outcome(estimator, results, incremental):
    """Raise when a problem diverged, warn when the epochs ran out."""
    for result in results:
        if result.diverged:
            raise TrainingDivergedError(
                "Floating-point under-/overflow occurred at epoch "
                f"#{result.n_iter + 1}. Scaling input data with StandardScaler or "
                "MinMaxScaler might help. The estimator keeps the weights of the "
                "last finite epoch."
            )
    if not incremental and estimator.tol is not None:
        if estimator.n_iter_ == estimator.max_iter:
            warn_max_iter_reached(estimator.max_iter)
