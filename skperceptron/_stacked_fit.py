"""Train several of our MLPs as one stack: estimator set-up around ``run_stacked``.

Each member is set up by its own ``fit``'s steps (validated data, the network
with initial weights drawn from its ``random_state``, then the ``TrainingRun``
its fit describes: optimizer, schedule, early-stopping split, monitor,
validation, batches). The stack trains every member's run in one
``run_stacked`` loop, on shared batches, and each member then settles its
outcome as its own fit does. Members trained on different splits of a
cross-validation stack too when their splits have equal sizes: each gathers
its batches from its own split's rows.
"""

import numpy as np
from scipy.sparse import issparse
from sklearn.utils import check_random_state

from ._core import OPTIMIZERS
from ._core.stacked import run_stacked, shared_batches, stack_networks
from ._fitting import _SOLVER_HYPER_PARAMETERS


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
    return [member.settle() for member in members]


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
    batches = [member.run.batches for member in firsts]
    stratified = final._stratify_validation(firsts[0].Y) is not None
    return (
        len({(b.X.shape, b.Y.shape, b.X.dtype) for b in batches}) == 1
        and all(b.sample_weight is None for b in batches)
        and not (final.early_stopping and stratified)
    )


class _Member:
    """One final estimator, set up by its own fit's steps: its ``TrainingRun``."""

    def __init__(self, final, X, y):
        final._validate_params()
        self.final = final
        self.X, self.Y = final._validate_input(X, y, False, reset=True)
        sample_weight = final._sample_weight(None, self.X, self.Y, False)
        rng = check_random_state(final.random_state)
        network = final._first_network(self.X, self.Y, rng)
        final.coefs_, final.intercepts_ = network.coefs, network.intercepts
        self.start_params = network.params.copy()
        self.run = final._training_run(
            network, self.X, self.Y, sample_weight, rng, False, None
        )
        self.result = None

    def settle(self):
        """Fitted attributes and outcome as its own fit; False when it diverged
        (or its outputs are not finite), for scikit-learn's code to refit it."""
        if self.result.diverged:
            return False
        self.final._store_result(self.result, self.run.monitor)
        try:
            self.final._settle_outcome(
                self.run.network, self.result, self.start_params, self.X, False
            )
        except ValueError:
            return False
        return True


class _Stack:
    """Members' runs with their shared batches, stacked network and optimizer.

    ``split_of[i]`` numbers member ``i``'s split (0 for the first member's).
    """

    def __init__(self, members, split_of):
        self.members = members
        self.runs = [member.run for member in members]
        self.batches = shared_batches(self.runs, split_of)
        self.network = stack_networks([run.network for run in self.runs])
        self.optimizer = _stacked_optimizer(members, self.network)

    def train(self):
        results = run_stacked(self.network, self.optimizer, self.runs, self.batches)
        for member, result in zip(self.members, results):
            member.result = result


def _stacked_optimizer(members, network):
    """The members' solver over the stack, hyper-parameters as columns."""
    final = members[0].final
    hyper = {
        name: getattr(final, name)
        if isinstance(getattr(final, name), bool)
        else np.array([[float(getattr(m.final, name))] for m in members])
        for name in _SOLVER_HYPER_PARAMETERS[final.solver]
    }
    if final.solver == "adamw":
        hyper["n_decayed"] = network.n_coefs
    return OPTIMIZERS[final.solver](network.params.shape, network.dtype, **hyper)
