"""Rosenblatt's per-sample rule, run from one mistake to the next.

The step perceptron changes its weights only on a mistake (``y z <= 0``):
``w += eta0 * s * y * x`` and ``b += eta0 * s * y`` for a sample of weight
``s``. Between two mistakes the weights can only shrink, by a known factor
per sample (the penalty; see ``sgd_weights``). So the margins of the next
stretch of samples come from one matrix-vector product, the first mistake
among them is found at once, and only that sample is processed on its own:
the textbook rule, sample after sample, exactly as scikit-learn's
``Perceptron`` runs it (same order, shrink, truncation, objective and stopping
rule), at vectorised speed.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .sgd_weights import SGDWeights, rounding_slack
from .stopping import NoImprovement

# stretches of samples scanned at once grow and shrink between these lengths
_SHORTEST_STRETCH, _LONGEST_STRETCH = 8, 4096
# stretches up to this length are searched for a mistake in plain Python
_SCANNED_IN_PYTHON = 32

# penalty -> its share of L1 (None: no penalty at all)
STEP_PENALTIES = {None: None, "l2": 0.0, "l1": 1.0, "elasticnet": "l1_ratio"}


@dataclass
class StepRule:
    """How to learn: the estimator's settings as plain values."""

    eta0: float = 1.0
    penalty: object = None
    alpha: float = 1e-4
    l1_ratio: float = 0.15
    fit_intercept: bool = True
    intercept_decay: float = 1.0  # scikit-learn damps the bias on sparse data
    max_iter: int = 1000
    tol: object = 1e-3
    n_iter_no_change: int = 5
    verbose: int = 0

    def l1_share(self):
        share = STEP_PENALTIES[self.penalty]
        return self.l1_ratio if share == "l1_ratio" else share


@dataclass
class StepResult:
    """What a run leaves: weights, epochs run and per-epoch objective."""

    coef: np.ndarray
    intercept: float
    n_iter: int = 0
    loss_curve: list = field(default_factory=list)
    diverged: bool = False


class PlainWeights:
    """Weights and bias of the unpenalised rule on dense rows, as one vector.

    Each row is stored signed, ``y [x, 1]``, so that a stretch's margins are
    one product and a mistake adds its stored step ``eta0 s y [x, 1]``.
    """

    penalised = truncating = False

    def __init__(self, coef, intercept, rule, longest):
        self.weights = np.append(coef, intercept).astype(
            np.float64
        )  # (n_features + 1,)
        self.bias_input = 1.0 if rule.fit_intercept else 0.0

    def take_rows(self, X, y, steps):
        """Keep the signed rows and their steps, in data order."""
        ones = np.full((len(y), 1), self.bias_input)
        self._all_rows = y[:, None] * np.hstack(
            [X, ones]
        )  # (n_samples, n_features + 1)
        self._all_updates = self._all_rows * steps[:, None]
        self._all_update_norms = np.linalg.norm(self._all_updates, axis=1)
        self._slack_per_norm = rounding_slack(self._all_rows)

    def begin_epoch(self, visit):
        """Put the rows of this epoch in its visiting order."""
        self.signed_rows, self.updates = self._all_rows[visit], self._all_updates[visit]
        self.update_norms = self._all_update_norms[visit].tolist()
        self.norm_bound = float(np.linalg.norm(self.weights))
        self.slack = self._slack_per_norm * self.norm_bound

    def margins(self, start, stop):
        return self.signed_rows[start:stop] @ self.weights

    def exact_margin(self, start, k):
        """The margin of row ``start + k`` summed feature after feature."""
        return float(np.cumsum(self.signed_rows[start + k] * self.weights)[-1])

    def penalty_sum(self, n_steps):
        return 0.0

    def advance(self, start, n_steps):
        pass

    def step(self, i):
        self.weights += self.updates[i]
        self.norm_bound += self.update_norms[i]
        self.slack = (
            self._slack_per_norm * self.norm_bound
        )  # rounding reach of a margin

    def stretch_lengths(self, shortest, longest):
        return shortest, longest

    @property
    def coef(self):
        return self.weights[:-1].copy()

    raw = coef

    @property
    def intercept(self):
        return float(self.weights[-1])


def _make_weights(X, coef, intercept, rule):
    """Plain weights when nothing shrinks them on dense data, else SGD's."""
    plain = rule.l1_share() is None and not sp.issparse(X)
    kind = PlainWeights if plain else SGDWeights
    return kind(coef, intercept, rule, _LONGEST_STRETCH)


def visiting_order(seed, n_samples):
    """The epoch permutation of scikit-learn's SGD: Fisher-Yates with xorshift32.

    Each epoch reorders the previous epoch's order by this same permutation.

    >>> visiting_order(1, 5)
    array([4, 2, 3, 0, 1])
    """
    state, order = int(seed) or 1, list(range(n_samples))
    for i in range(n_samples - 1):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        j = i + (state & 0x7FFFFFFF) % (n_samples - i)
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.intp)


def _first_mistake(signed, weights, start):
    """Index and margin of the first ``y z <= 0`` in ``signed`` (-1 if none).

    ``signed`` holds the margins of the stretch from row ``start`` on. One
    within ``weights.slack`` of 0, where the rounding of a vectorised product
    could decide its sign, is settled by ``weights.exact_margin``: summed in
    scikit-learn's order. A NaN margin is no mistake, as in scikit-learn.
    Short stretches are scanned in Python, which beats NumPy calls on a
    handful of values.
    """
    slack = weights.slack
    if len(signed) <= _SCANNED_IN_PYTHON:
        candidates = enumerate(signed.tolist())
    else:
        candidates = ((k, float(signed[k])) for k in np.flatnonzero(signed <= slack))
    for k, margin in candidates:
        if margin <= slack:
            if margin > -slack:
                margin = weights.exact_margin(start, k)
            if margin <= 0:
                return k, margin
    return -1, 0.0


def _run_epoch(weights, n_samples):
    """One pass over the epoch's rows; returns the summed objective.

    The hot loop of the rule: its methods are bound once, and the
    shrink-related calls are skipped when nothing shrinks.
    """
    start, objective, shrinks = 0, 0.0, weights.penalised
    length, longest = weights.stretch_lengths(_SHORTEST_STRETCH, _LONGEST_STRETCH)
    margins, step = weights.margins, weights.step
    while start < n_samples:
        stop = min(n_samples, start + length)
        k, margin = _first_mistake(margins(start, stop), weights, start)
        quiet = stop - start if k < 0 else k  # samples before the mistake
        if shrinks:
            objective += weights.penalty_sum(quiet + (k >= 0))
            weights.advance(start, quiet)
        if k < 0:
            start, length = stop, min(2 * length, longest)
            continue
        objective -= margin
        step(start + k)
        start += k + 1
        length = min(max(_SHORTEST_STRETCH, 2 * k + 2), longest)
    return objective


def _accuracy(weights, validation):
    """Weighted share of ``(X_val, y_val, w_val)`` on the right side (y in +-1).

    scikit-learn scores the weights without their pending shrink (its raw
    weight vector); so does this, to stop at the same epoch.
    """
    X_val, y_val, w_val = validation
    positive = np.asarray(X_val @ weights.raw).ravel() + weights.intercept > 0
    return float(np.average(positive == (y_val > 0), weights=w_val))


def _epochs(n_samples, order, train, max_iter):
    """Each epoch's training rows in visiting order (validation rows skipped)."""
    visit = np.arange(n_samples)
    for _ in range(max_iter):
        if order is not None:
            visit = visit[order]
        yield visit if train is None else visit[train[visit]]


def _make_monitor(rule, on_validation):
    """scikit-learn's stopping rule: ``n_iter_no_change`` epochs short of ``tol``."""
    metric = "validation_score" if on_validation else "loss"
    if rule.tol is None:
        return NoImprovement(0.0, np.inf, metric=metric)
    return NoImprovement(rule.tol, rule.n_iter_no_change - 1, metric=metric)


def run_step_rule(X, y, steps, coef, intercept, rule, **plan):
    """Train one binary step perceptron; ``coef`` and ``intercept`` start it.

    ``y`` holds +-1 targets and ``steps`` each sample's step ``eta0 * class
    weight * sample weight``. ``plan`` may hold ``order`` (the permutation
    applied to the visiting order before every epoch; None keeps the data
    order), ``train`` (boolean mask of the rows to learn from) and
    ``validation`` ``(X_val, y_val, w_val)``, whose accuracy then decides when
    to stop instead of the training objective.
    """
    weights, validation = (
        _make_weights(X, coef, intercept, rule),
        plan.get("validation"),
    )
    weights.take_rows(X, y, steps)
    monitor = _make_monitor(rule, validation is not None)
    result = StepResult(weights.coef, weights.intercept)
    shuffling = plan.get("order") is not None
    epochs = _epochs(len(y), plan.get("order"), plan.get("train"), rule.max_iter)
    for epoch, visit in enumerate(epochs):
        if shuffling or not epoch:
            weights.begin_epoch(visit)
        objective = _run_epoch(weights, len(visit)) / len(visit)
        coef, bias = weights.coef, weights.intercept
        if not (np.isfinite(bias) and np.isfinite(coef).all()):
            result.diverged = True
            break
        result.coef, result.intercept, result.n_iter = coef, bias, result.n_iter + 1
        result.loss_curve.append(objective)
        if rule.verbose:
            print(f"-- Epoch {result.n_iter}, average objective {objective:.6f}")
        score = objective if validation is None else _accuracy(weights, validation)
        monitor.update(score)
        if monitor.should_stop:
            break
    return result
