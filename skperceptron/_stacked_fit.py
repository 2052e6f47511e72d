"""Fit and score a group of candidate estimators of one split together.

A search hands over estimators (ours, alone or as the last step of a
``Pipeline``) that agree on everything but parameters listed in
``STACKABLE_PARAMETERS``; ``stack_key`` says which group one belongs to. The
pipeline's leading steps are fitted once for the group (their parameters are
equal), the final estimators are trained together, and each member is scored
as scikit-learn's ``_fit_and_score`` scores it.
"""

import time
from numbers import Integral

import joblib
import numpy as np
from scipy.sparse import issparse
from sklearn import get_config
from sklearn.model_selection._validation import _score
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params, _num_samples

from ._core import OPTIMIZERS, Network
from ._core.stacked import Candidate, run_stacked
from ._fitting import (
    _SOLVER_HYPER_PARAMETERS,
    make_validation,
    resolve_batch_size,
    split_validation,
    warn_if_not_converged,
)
from ._mlp import _BaseDeepMLP

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


def _bytes_per_candidate(final, n_features, n_rows):
    """Rough memory of one stacked candidate: weights, optimizer, activations."""
    sizes = final.hidden_layer_sizes
    units = [n_features, *(sizes if hasattr(sizes, "__iter__") else [sizes]), 1]
    n_params = sum((a + 1) * b for a, b in zip(units[:-1], units[1:]))
    batch = n_rows if final.batch_size == "auto" else min(final.batch_size, n_rows)
    batch = max(batch, min(200, n_rows), int(final.validation_fraction * n_rows))
    return 8 * (6 * n_params + 3 * batch * sum(units[1:]))


def group_chunks(members, X):
    """Split a group ``[(position, estimator), ...]`` to fit ``working_memory``."""
    final = _steps(members[0][1])[1]
    n_rows, n_features = _num_samples(X), X.shape[1]
    budget = get_config()["working_memory"] * 2**20
    size = max(1, int(budget // _bytes_per_candidate(final, n_features, n_rows)))
    return [members[start : start + size] for start in range(0, len(members), size)]


def _fit_leading_steps(estimators, X_train, y_train):
    """Fit the first member's leading steps and share them; the final inputs."""
    leading, _ = _steps(estimators[0])
    if not leading:
        return X_train
    head = estimators[0][:-1]
    X_final = head.fit_transform(X_train, y_train)
    for estimator in estimators[1:]:
        estimator.steps = list(head.steps) + estimator.steps[-1:]
    return X_final


def _fit_each(finals, X, y):
    """Fit each final estimator on its own; True where it trained."""
    trained = []
    for final in finals:
        try:
            final.fit(X, y)
        except Exception:  # its own fit in scikit-learn's code reports it
            trained.append(False)
        else:
            trained.append(True)
    return trained


def train_together(finals, X, y):
    """Fit the final estimators on ``(X, y)`` as one stack; True where trained.

    A member whose loss turned non-finite, or a group whose set-up fails, is
    reported untrained: its own fit, run by scikit-learn's code, then gives
    the exact outcome (error, warning, recovered weights).
    """
    if len(finals) == 1 or issparse(X):
        return _fit_each(finals, X, y)
    try:
        members = [_Member(final, X, y) for final in finals]
        stack = _Stack(members)
    except Exception:
        return [False] * len(finals)
    stack.train()
    return [member.store() for member in members]


class _Member:
    """One final estimator, set up as its own fit sets it up, minus training."""

    def __init__(self, final, X, y):
        final._validate_params()
        self.final = final
        self.X, self.Y = final._validate_input(X, y, False, reset=True)
        self.sample_weight = final._sample_weight(None, self.X, self.Y, False)
        self.rng = check_random_state(final.random_state)
        hidden = final._hidden_layer_sizes()
        self.layer_units = [self.X.shape[1], *hidden, self.Y.shape[1]]
        final._initialize(self.layer_units, self.X.dtype, self.rng)
        self.network = final._build_network(self.layer_units, self.X.dtype)
        if final.early_stopping:
            final._best_params = self.network.params.copy()
        self.candidate = None

    def make_candidate(self, validation_data, one_batch):
        final = self.final
        validation = None
        if validation_data is not None:
            validation = make_validation(final, self.network, *validation_data)
        final._schedule = final._make_schedule()
        self.candidate = Candidate(
            schedule=final._schedule,
            monitor=final._make_monitor(self.network, one_batch=one_batch),
            max_iter=final.max_iter,
            params=self.network.params,
            validation=validation,
            monitored=f"validation_{final.early_stopping_metric}",
        )
        return self.candidate

    def store(self):
        """Fitted attributes from the stacked run; False when it diverged."""
        result = self.candidate.result
        if result.diverged:
            return False
        self.final._store_result(self.network, result, self.candidate.monitor)
        warn_if_not_converged(self.final, result, False)
        return True


class _Stack:
    """The members' shared data, batches and split, and their stacked network."""

    def __init__(self, members):
        first = members[0]
        final = first.final
        X, Y, sample_weight = first.X, first.Y, first.sample_weight
        validation_data = None
        if final.early_stopping:
            stratify = final._stratify_validation(Y)
            (X, Y, sample_weight), validation_data = split_validation(
                final, X, Y, sample_weight, first.rng, stratify
            )
        batch_size = resolve_batch_size(
            final.batch_size, X.shape[0], final._auto_batch_size
        )
        rng = first.rng if final.shuffle else None
        self.batches = final._batches(X, Y, sample_weight, batch_size, rng)
        one_batch = batch_size >= X.shape[0]
        self.candidates = [
            member.make_candidate(validation_data, one_batch) for member in members
        ]
        self.network = _stacked_network(members)
        self.optimizer = _stacked_optimizer(members, self.network)

    def train(self):
        run_stacked(self.network, self.optimizer, self.candidates, self.batches)


def _column(members, name):
    """Parameter ``name`` of every member as a (n_members, 1) float column."""
    return np.array([[float(getattr(m.final, name))] for m in members])


def _stacked_network(members):
    """A Network with one row per member, starting from each member's weights."""
    first = members[0]
    final, n_hidden = first.final, len(first.layer_units) - 2
    network = Network(
        first.layer_units,
        final._hidden_activations(n_hidden),
        final._loss_name(),
        first.X.dtype,
        alpha=_column(members, "alpha"),
        n_candidates=len(members),
        **final._network_options(n_hidden),
    )
    network.params[...] = [member.network.params for member in members]
    return network


def _stacked_optimizer(members, network):
    """The members' solver over the stack, hyper-parameters as columns."""
    final = members[0].final
    hyper = {
        name: getattr(final, name)
        if isinstance(getattr(final, name), bool)
        else _column(members, name)
        for name in _SOLVER_HYPER_PARAMETERS[final.solver]
    }
    if final.solver == "adamw":
        hyper["n_decayed"] = network.n_coefs
    return OPTIMIZERS[final.solver](network.params.shape, network.dtype, **hyper)


def fit_and_score_group(
    estimators,
    X,
    y,
    train,
    test,
    *,
    scorer,
    score_params,
    return_train_score,
    error_score,
):
    """Outcome dicts of ``_fit_and_score``, one per member (None: fit it alone)."""
    start = time.time()
    X_train, y_train = _safe_split(estimators[0], X, y, train)
    X_test, y_test = _safe_split(estimators[0], X, y, test, train)
    try:
        X_final = _fit_leading_steps(estimators, X_train, y_train)
    except Exception:
        return [None] * len(estimators)
    finals = [_steps(estimator)[1] for estimator in estimators]
    trained = train_together(finals, X_final, y_train)
    fit_time = (time.time() - start) / len(estimators)
    score_params = score_params or {}
    params_test = _check_method_params(X, params=score_params, indices=test)
    params_train = _check_method_params(X, params=score_params, indices=train)
    results = []
    for estimator, ok in zip(estimators, trained):
        if not ok:
            results.append(None)
            continue
        score_start = time.time()
        result = {
            "fit_error": None,
            "test_scores": _score(
                estimator, X_test, y_test, scorer, params_test, error_score
            ),
        }
        score_time = time.time() - score_start
        if return_train_score:
            result["train_scores"] = _score(
                estimator, X_train, y_train, scorer, params_train, error_score
            )
        result["n_test_samples"] = _num_samples(X_test)
        result["fit_time"], result["score_time"] = fit_time, score_time
        results.append(result)
    return results
