"""Train several of our MLPs as one stack: estimator set-up around ``run_stacked``.

Each member is set up exactly as its own ``fit`` sets it up (validated data,
initial weights drawn from its ``random_state``, schedule, monitor, validation
scorer); the stack then shares what the members' fits would all draw alike
(the early-stopping split and the per-epoch shuffles) and trains every member
in one ``run_stacked`` loop. Members trained on different splits of a
cross-validation stack too when their splits have equal sizes: each gathers
its batches from its own split's rows.
"""

import numpy as np
from scipy.sparse import issparse
from sklearn.utils import check_random_state

from ._core import OPTIMIZERS, Network
from ._core.stacked import Candidate, SplitBatches, run_stacked
from ._fitting import (
    _SOLVER_HYPER_PARAMETERS,
    make_validation,
    resolve_batch_size,
    split_validation,
    warn_if_not_converged,
)


def _fit_each(finals, Xs, ys):
    """Fit each estimator on its own data; True where it trained."""
    trained = []
    for final, X, y in zip(finals, Xs, ys):
        try:
            final.fit(X, y)
        except Exception:  # its own fit in scikit-learn's code reports it
            trained.append(False)
        else:
            trained.append(True)
    return trained


def train_together(finals, Xs, ys):
    """Fit ``finals[i]`` on ``(Xs[i], ys[i])``, stacked; True where it trained.

    Members given the very same ``Xs`` object share a split. A member whose
    loss turned non-finite, or a group whose set-up fails, is reported
    untrained: its own fit, run by scikit-learn's code, then gives the exact
    outcome (error, warning, recovered weights).
    """
    if len(finals) == 1 or any(issparse(X) for X in Xs):
        return _fit_each(finals, Xs, ys)
    split_ids = [id(X) for X in Xs]
    try:
        members = [_Member(*args) for args in zip(finals, Xs, ys)]
        for stack in _stacks(members, split_ids):
            stack.train()
    except Exception:
        return [False] * len(finals)
    return [member.store() for member in members]


def _stacks(members, split_ids):
    """One stack of every member when their splits can share batches, else one
    stack per split."""
    by_split = {}
    for member, split_id in zip(members, split_ids):
        by_split.setdefault(split_id, []).append(member)
    groups = list(by_split.values())
    firsts = [group[0] for group in groups]
    if len(groups) > 1 and not _splits_stack(firsts):
        return [_Stack(group, [0] * len(group)) for group in groups]
    split_of = [list(by_split).index(split_id) for split_id in split_ids]
    return [_Stack(members, split_of)]


def _splits_stack(firsts):
    """Whether members of these splits draw alike: equal sizes, no weights, and
    no stratified early-stopping split (which depends on the targets)."""
    final = firsts[0].final
    return (
        len({(m.X.shape, m.Y.shape, m.X.dtype) for m in firsts}) == 1
        and all(m.sample_weight is None for m in firsts)
        and not (final.early_stopping and final._stratify_validation(firsts[0].Y))
    )


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

    def split_data(self):
        """``(X, Y, w)`` to train on and the validation data (or None)."""
        final = self.final
        if not final.early_stopping:
            return (self.X, self.Y, self.sample_weight), None
        stratify = final._stratify_validation(self.Y)
        return split_validation(
            final, self.X, self.Y, self.sample_weight, self.rng, stratify
        )

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
    """Members with their splits' data, shared batches and a stacked network.

    ``split_of[i]`` numbers member ``i``'s split; the first member of each
    split draws that split's early-stopping split, and the first member's
    generator draws the shuffles for all.
    """

    def __init__(self, members, split_of):
        firsts = {}
        for member, split in zip(members, split_of):
            firsts.setdefault(split, member)
        parts = {split: member.split_data() for split, member in firsts.items()}
        final = members[0].final
        X, Y, sample_weight = parts[0][0]
        batch_size = resolve_batch_size(
            final.batch_size, X.shape[0], final._auto_batch_size
        )
        rng = members[0].rng if final.shuffle else None
        self.batches = _batches(final, parts, split_of, batch_size, rng)
        one_batch = batch_size >= X.shape[0]
        self.candidates = [
            member.make_candidate(parts[split][1], one_batch)
            for member, split in zip(members, split_of)
        ]
        self.network = _stacked_network(members)
        self.optimizer = _stacked_optimizer(members, self.network)

    def train(self):
        run_stacked(self.network, self.optimizer, self.candidates, self.batches)


def _batches(final, parts, split_of, batch_size, rng):
    """The estimator's batches of one split; of several, gathered per member.

    With several splits, the estimator's batch class cuts the row numbers,
    so the shuffles are the ones each member's own fit draws.
    """
    X, Y, sample_weight = parts[0][0]
    if len(parts) == 1:
        return final._batches(X, Y, sample_weight, batch_size, rng)
    rows = np.arange(X.shape[0])
    row_batches = final._batches(rows, rows, None, batch_size, rng)
    X_splits = np.stack([parts[split][0][0] for split in sorted(parts)])
    Y_splits = np.stack([parts[split][0][1] for split in sorted(parts)])
    return SplitBatches(row_batches, X_splits, Y_splits, np.asarray(split_of))


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
