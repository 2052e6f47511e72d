"""Group a search's candidates, and fit and score a group together.

A search hands over estimators (ours, alone or as the last step of a
``Pipeline``) that agree on everything but parameters listed in
``STACKABLE_PARAMETERS``; ``stack_key`` says which group one belongs to. A
group's members may come from several cross-validation splits. The pipeline's
leading steps are fitted once per split (their parameters are equal), the
final estimators are trained together (``_stacked_fit.train_together``), and
each member is scored as scikit-learn's ``_fit_and_score`` scores it.
"""

import time
from numbers import Integral

import joblib
from sklearn import get_config
from sklearn.model_selection._validation import _score
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params, _num_samples

from ._core import OPTIMIZERS
from ._mlp import _BaseDeepMLP
from ._stacked_fit import train_together

# Parameters of our MLPs that change neither the shape of the network nor the
# random draws or order of the batches: candidates may differ in these.
STACKABLE_PARAMETERS = frozenset(
    {
        "learning_rate_init",
        "alpha",
        "momentum",
        "beta_1",
        "beta_2",
        "epsilon",
        "weight_decay",
        "rho",
        "power_t",
        "learning_rate",
        "learning_rate_min",
        "step_decay_epochs",
        "step_decay_factor",
        "warmup_epochs",
        "tol",
        "n_iter_no_change",
        "max_iter",
        "max_fun",
        "early_stopping_metric",
    }
)


def _steps(estimator):
    """``(leading steps, final estimator)``; no leading steps outside a Pipeline."""
    if isinstance(estimator, Pipeline):
        return estimator.steps[:-1], estimator.steps[-1][1]
    return [], estimator


def _trains_stacked(final):
    """Whether the final estimator's fit can run as one member of a stack.

    Its random draws must repeat from candidate to candidate (an int
    ``random_state``), and nothing may act per fit outside the core's loop.
    """
    if not isinstance(final, _BaseDeepMLP) or final.solver not in OPTIMIZERS:
        return False
    dropout = (
        final.dropout if isinstance(final.dropout, (list, tuple)) else [final.dropout]
    )
    return (
        isinstance(final.random_state, Integral)
        and not isinstance(final.random_state, bool)
        and not final.verbose
        and not final.warm_start
        and final.max_grad_norm is None
        and not any(dropout)
        and not getattr(final, "_skl_callbacks", None)
    )


def stack_key(estimator):
    """A hashable group key, or None when ``estimator`` must be fitted alone.

    Two estimators with the same key differ only in ``STACKABLE_PARAMETERS``
    of their final step.
    """
    leading, final = _steps(estimator)
    if not _trains_stacked(final):
        return None
    shared = {
        name: value
        for name, value in final.get_params(deep=False).items()
        if name not in STACKABLE_PARAMETERS
    }
    outer = {}
    if isinstance(estimator, Pipeline):
        outer = {
            k: v for k, v in estimator.get_params(deep=False).items() if k != "steps"
        }
        outer["final_name"] = estimator.steps[-1][0]
    return joblib.hash((type(final), shared, leading, outer))


def _candidate_bytes(final, n_features, n_rows):
    """Rough bytes of one stacked candidate: parameter-sized arrays (weights,
    gradients, optimizer state, scratch, best-weights copy) and activations."""
    sizes = final.hidden_layer_sizes
    units = [n_features, *(sizes if hasattr(sizes, "__iter__") else [sizes]), 1]
    n_params = sum((a + 1) * b for a, b in zip(units[:-1], units[1:]))
    batch = 200 if final.batch_size == "auto" else final.batch_size
    batch = min(max(batch, int(final.validation_fraction * n_rows)), n_rows)
    return 8 * 6 * n_params, 8 * 3 * batch * sum(units[1:])


# Stacks whose parameter-sized arrays outgrow a core's L2 cache take longer per
# candidate than smaller ones: on digits with 64 hidden units, a stack of 18
# candidates ran slower per candidate than stacks of 6 to 9.
_STACK_STATE_BYTES = 2 * 2**20


def group_chunks(members, X):
    """Split a group ``[(position, estimator), ...]`` into balanced chunks.

    A chunk's arrays stay within ``working_memory`` and its parameter-sized
    arrays within ``_STACK_STATE_BYTES``.
    """
    final = _steps(members[0][1])[1]
    state, activations = _candidate_bytes(final, X.shape[1], _num_samples(X))
    by_memory = get_config()["working_memory"] * 2**20 // (state + activations)
    size = max(1, int(min(by_memory, _STACK_STATE_BYTES // state)))
    n_chunks = -(-len(members) // size)
    size = -(-len(members) // n_chunks)
    return [members[start : start + size] for start in range(0, len(members), size)]


class _SplitData:
    """The train and test parts of one split, and the final step's inputs."""

    def __init__(self, estimator, X, y, train, test):
        self.train, self.test = train, test
        self.X_train, self.y_train = _safe_split(estimator, X, y, train)
        self.X_test, self.y_test = _safe_split(estimator, X, y, test, train)
        self.X_final = None


def _fit_leading_steps(estimators, split_ids, data):
    """Fit each split's leading steps once, share them, keep the final inputs."""
    for estimator, split_id in zip(estimators, split_ids):
        part = data[split_id]
        leading, _ = _steps(estimator)
        if not leading:
            part.X_final = part.X_train
        elif part.X_final is None:
            part.head = estimator[:-1]
            part.X_final = part.head.fit_transform(part.X_train, part.y_train)
        else:
            estimator.steps = list(part.head.steps) + estimator.steps[-1:]


def fit_and_score_group(estimators, split_ids, splits, X, y, **score_options):
    """Outcome dicts of ``_fit_and_score``, one per member (None: fit it alone).

    Member ``i`` is fitted on ``splits[split_ids[i]]``, a ``(train, test)``
    pair of indices. ``score_options`` are the keywords of ``_scores``.
    """
    start = time.time()
    data = {
        split_id: _SplitData(estimators[0], X, y, *splits[split_id])
        for split_id in splits
    }
    try:
        _fit_leading_steps(estimators, split_ids, data)
    except Exception:
        return [None] * len(estimators)
    parts = [data[split_id] for split_id in split_ids]
    trained = train_together(
        [_steps(estimator)[1] for estimator in estimators],
        [part.X_final for part in parts],
        [part.y_train for part in parts],
    )
    fit_time = (time.time() - start) / len(estimators)
    return [
        _scores(estimator, part, X, fit_time, **score_options) if ok else None
        for estimator, part, ok in zip(estimators, parts, trained)
    ]


def _scores(
    estimator,
    part,
    X,
    fit_time,
    *,
    scorer,
    score_params,
    return_train_score,
    error_score,
):
    """The outcome dict ``_fit_and_score`` gives for a fitted ``estimator``."""
    score_params = score_params or {}
    start = time.time()
    params_test = _check_method_params(X, params=score_params, indices=part.test)
    result = {
        "fit_error": None,
        "test_scores": _score(
            estimator, part.X_test, part.y_test, scorer, params_test, error_score
        ),
    }
    score_time = time.time() - start
    if return_train_score:
        params_train = _check_method_params(X, params=score_params, indices=part.train)
        result["train_scores"] = _score(
            estimator, part.X_train, part.y_train, scorer, params_train, error_score
        )
    result["n_test_samples"] = _num_samples(part.X_test)
    result["fit_time"], result["score_time"] = fit_time, score_time
    return result
