"""One-vs-rest for the step perceptron: one binary perceptron per class.

As in scikit-learn's Perceptron, each class gets its own binary problem (the
class against the rest) with its own random seed and its own stopping rule, so
a class that separates early stops early while a hard one goes on. The
problems run in threads when ``n_jobs`` asks for it.

``fit_step_rule`` runs them with the exact per-sample rule of the core's
``perceptron_rule``, drawing seeds, visiting orders, class weights and the
early-stopping split as scikit-learn's SGD does, so that the weights are
scikit-learn's. With averaged mini-batches the estimator describes one
``TrainingRun`` per class, and ``run_in_parallel`` carries them out.
"""

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight

from ._core import StepRule, run_minibatch, run_step_rule, visiting_order
from ._fitting import TrainingDivergedError

_MAX_SEED = np.iinfo(np.int32).max


def summed_curves(curves):
    """Epoch-wise sum of the problems' losses; a stopped problem keeps its last."""
    n_epochs = max(len(curve) for curve in curves)
    return [
        sum(curve[min(epoch, len(curve) - 1)] for curve in curves if curve)
        for epoch in range(n_epochs)
    ]


def class_seeds(random_state, n_classes):
    """One seed per class problem, drawn as scikit-learn's one-vs-rest draws them."""
    return check_random_state(random_state).randint(_MAX_SEED, size=n_classes)


def run_in_parallel(runs, n_jobs):
    """Carry out independent mini-batch ``runs`` (one per class) in threads."""
    if len(runs) == 1:
        return [run_minibatch(runs[0])]
    return Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(run_minibatch)(run) for run in runs
    )


def _validation_mask(validation_fraction, random_state, y, sample_weight):
    """Rows held out for early stopping, split as scikit-learn does.

    ``validation_fraction`` is None without early stopping (no rows held out).
    """
    if validation_fraction is None:
        return None
    splitter = StratifiedShuffleSplit(
        test_size=validation_fraction, random_state=random_state
    )
    try:
        train, held_out = next(splitter.split(np.zeros((len(y), 1)), y))
    except ValueError as error:  # scikit-learn's words first, then ours
        raise ValueError(
            f"{error} (early stopping holds out a stratified validation_fraction="
            f"{validation_fraction} of {len(y)} samples). Change "
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
            f"{validation_fraction} left an empty training or validation "
            "set. Change validation_fraction, add samples or set early_stopping=False."
        )
    mask = np.zeros(len(y), dtype=bool)
    mask[held_out] = True
    return mask


def _fit_class(X, sample_weight, problem, start, rule, shuffle, split):
    """One problem (class against the rest), with scikit-learn's draws in its order.

    ``problem`` is ``(is_class, (pos, neg) weights, seed, held-out rows)``;
    ``split`` is ``(validation_fraction, random_state)``, used when the
    problem's rows are not held out yet.
    """
    is_class, (weight_pos, weight_neg), seed, held_out = problem
    y = np.where(is_class, 1.0, -1.0)
    rng = check_random_state(seed)
    rng.randint(1, _MAX_SEED)  # scikit-learn's dataset seed, unused by the rule
    if held_out is None:
        held_out = _validation_mask(*split, y, sample_weight)
    shuffle_seed = rng.randint(_MAX_SEED)
    steps = rule.eta0 * (np.where(is_class, weight_pos, weight_neg) * sample_weight)
    plan = {"order": visiting_order(shuffle_seed, len(y)) if shuffle else None}
    if held_out is not None:
        plan["train"] = ~held_out
        plan["validation"] = (X[held_out], y[held_out], sample_weight[held_out])
    return run_step_rule(X, y, steps, start[0], start[1], rule, **plan)


def _class_problems(y, sample_weight, classes, class_weight, split):
    """(positive-class mask, (pos, neg) weights, seed, held-out rows) per problem.

    Two classes make one problem, the second class positive; more make one per
    class, where the rest keep weight 1 as in scikit-learn.
    """
    weights = compute_class_weight(class_weight, classes=classes, y=y)
    random_state = split[1]
    if len(classes) == 2:
        return [(y == classes[1], (weights[1], weights[0]), random_state, None)]
    held_out = _validation_mask(*split, y, sample_weight)
    seeds = class_seeds(random_state, len(classes))
    return [
        (y == label, (weight, 1.0), seed, held_out)
        for label, weight, seed in zip(classes, weights, seeds)
    ]


def _step_rule(params, sparse, incremental):
    """The per-sample rule's settings, from the estimator's parameters."""
    return StepRule(
        eta0=params["eta0"],
        penalty=params["penalty"],
        alpha=params["alpha"],
        l1_ratio=params["l1_ratio"],
        fit_intercept=params["fit_intercept"],
        intercept_decay=0.01 if sparse else 1.0,
        max_iter=1 if incremental else params["max_iter"],
        tol=params["tol"],
        n_iter_no_change=params["n_iter_no_change"],
        verbose=params["verbose"],
    )


def fit_step_rule(X, y, sample_weight, starts, *, classes, params, incremental):
    """Fit every problem with the exact per-sample rule; return their results.

    ``sample_weight`` holds the sample weights only (None for ones);
    ``starts`` is ``(coef, intercept)``, the starting weights with one row per
    problem; ``params`` the estimator's parameters (``get_params()``).
    """
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0], dtype=X.dtype)
    rule = _step_rule(params, sp.issparse(X), incremental)
    fraction = params["validation_fraction"] if params["early_stopping"] else None
    split = (fraction, params["random_state"])
    problems = _class_problems(y, sample_weight, classes, params["class_weight"], split)
    coef, intercept = starts
    return Parallel(n_jobs=params["n_jobs"], prefer="threads")(
        delayed(_fit_class)(
            X,
            sample_weight,
            problem,
            (coef[k], intercept[k]),
            rule,
            params["shuffle"],
            split,
        )
        for k, problem in enumerate(problems)
    )


def raise_if_step_rule_diverged(results):
    """Raise when a problem of the per-sample rule under- or overflowed."""
    for result in results:
        if result.diverged:
            raise TrainingDivergedError(
                "Floating-point under-/overflow occurred at epoch "
                f"#{result.n_iter + 1}. Scaling input data with StandardScaler or "
                "MinMaxScaler might help. The estimator keeps the weights of the "
                "last finite epoch."
            )
