"""Rosenblatt's per-sample rule, run from one mistake to the next.

The step perceptron changes its weights only on a mistake (``y z <= 0``).
Between two mistakes the weights only shrink: by the L2 factor ``c = max(0, 1 -
(1 - l1_ratio) eta alpha)`` per sample (the intercept is never shrunk) and,
with an L1 part, by the truncated gradient of Tsuruoka et al. (2009). So the
margins of the next stretch of samples come from one matrix-vector product,
the first mistake among them is found at once, and only that sample is
processed on its own. The result is the textbook rule, sample after sample,
exactly as scikit-learn's ``Perceptron`` runs it (same weight shrink, same
truncation, same stopping rule on the per-epoch objective), at vectorised
speed. Sparse data with an L1 part is truncated feature by feature on each
sample's non-zeros, so it is run one sample at a time.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .stopping import NoImprovement

# below this the weight scale is folded into the weights (as scikit-learn does)
_SMALLEST_SCALE = 1e-9
# stretches of samples scanned at once stay within these lengths
_SHORTEST_STRETCH, _LONGEST_STRETCH = 8, 4096


def visiting_order(seed, n_samples):
    """The epoch permutation of scikit-learn's SGD: Fisher-Yates with xorshift32.

    Each epoch reorders the previous epoch's order by this same permutation.

    >>> visiting_order(1, 5)
    array([1, 4, 3, 0, 2])
    """
    state, order = int(seed) or 1, list(range(n_samples))
    for i in range(n_samples - 1):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        j = i + (state & 0x7FFFFFFF) % (n_samples - i)
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.intp)


# penalty -> share of L1 in it (None: no penalty at all)
STEP_PENALTIES = {None: None, "l2": 0.0, "l1": 1.0, "elasticnet": "l1_ratio"}


@dataclass
class StepRule:
    """How to learn: the estimator's settings as plain values."""

    eta0: float = 1.0
    penalty: object = None
    alpha: float = 1e-4
    l1_ratio: float = 0.15
    fit_intercept: bool = True
    intercept_decay: float = 1.0  # scikit-learn damps the intercept on sparse data
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
    n_iter: int
    loss_curve: list = field(default_factory=list)
    diverged: bool = False


class _Rows:
    """The training rows of one epoch, in visiting order, dense or CSR."""

    def __init__(self, X):
        self.X = X
        if sp.issparse(X):
            self.row_of_value = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))

    def dot(self, start, stop, w):
        """``X[start:stop] @ w``, each row summed in order."""
        if not sp.issparse(self.X):
            return self.X[start:stop] @ w
        lo, hi = self.X.indptr[start], self.X.indptr[stop]
        products = self.X.data[lo:hi] * w[self.X.indices[lo:hi]]
        rows = self.row_of_value[lo:hi] - start
        return np.bincount(rows, weights=products, minlength=stop - start)

    def row(self, i):
        """``(features, values)`` of row ``i``: all features when dense."""
        if not sp.issparse(self.X):
            return slice(None), self.X[i]
        lo, hi = self.X.indptr[i], self.X.indptr[i + 1]
        return self.X.indices[lo:hi], self.X.data[lo:hi]


class _Weights:
    """The weights as scikit-learn's SGD holds them: ``coef = scale * raw``.

    ``sq_norm`` and ``l1_norm`` are the norms it tracks for the objective
    (recomputed over a sample's features when the sample is added, scaled on
    every shrink, left alone by the truncation); ``u`` is the total L1 step so
    far and ``q`` the L1 step each feature has received.
    """

    def __init__(self, coef, intercept, rule):
        l1_share = rule.l1_share()
        self.rule, self.penalised = rule, l1_share is not None
        self.l1_share = l1_share or 0.0
        shrink = 1.0 - (1.0 - self.l1_share) * rule.eta0 * rule.alpha
        self.shrink = max(0.0, shrink) if self.penalised else 1.0
        self.l1_step = self.l1_share * rule.eta0 * rule.alpha
        self.truncating = self.penalised and rule.penalty != "l2" and self.l1_step
        self.raw, self.scale = np.array(coef, dtype=np.float64), 1.0
        self.intercept, self.u = float(intercept), 0.0
        self.q = np.zeros_like(self.raw)
        self.sq_norm, self.l1_norm = self.raw @ self.raw, np.abs(self.raw).sum()
        powers = self.shrink ** np.arange(_LONGEST_STRETCH + 1, dtype=np.float64)
        self._powers = powers  # (longest + 1,) shrink ** k
        self._sq_sums = np.cumsum(powers * powers)
        self._abs_sums = np.cumsum(powers)

    def stretch_lengths(self):
        """First and longest stretch: one sample at a time while truncating."""
        if self.truncating:
            return 1, 1
        return _SHORTEST_STRETCH, _LONGEST_STRETCH

    def margins(self, rows, y, start, stop):
        """Signed margins ``y z`` of rows ``[start, stop)`` if none is a mistake."""
        raw = rows.dot(start, stop, self.raw)
        if self.shrink == 1.0:
            scaled = raw * self.scale if self.scale != 1.0 else raw
        else:
            scaled = raw * (self.scale * self._powers[: stop - start])
        return y[start:stop] * (scaled + self.intercept)

    def penalty_sum(self, n_steps):
        """The penalty term the objective sums over the next ``n_steps`` samples."""
        if not self.penalised or not n_steps:
            return 0.0
        l2 = 0.5 * (1.0 - self.l1_share) * self.sq_norm * self._sq_sums[n_steps - 1]
        l1 = self.l1_share * self.l1_norm * self._abs_sums[n_steps - 1]
        return self.rule.alpha * (l2 + l1)

    def advance(self, rows, start, n_steps):
        """``n_steps`` samples from ``start`` on, all classified right."""
        if self.truncating:
            for i in range(start, start + n_steps):
                self.step(rows.row(i), 0.0)
        elif self.penalised:
            self._shrink_quietly(n_steps)

    def step(self, row, update):
        """One sample as scikit-learn's SGD processes it, adding ``update * x``."""
        features, values = row
        if self.penalised:
            self._rescale(self.shrink)
        if update != 0.0:
            self.raw[features] += values * (update / self.scale)
            touched = self.raw[features]
            self.sq_norm = (touched @ touched) * self.scale**2
            self.l1_norm = np.abs(touched).sum() * self.scale
            if self.rule.fit_intercept:
                self.intercept += update * self.rule.intercept_decay
        if self.truncating:
            self.u += self.l1_step
            self._truncate(features)

    def _shrink_quietly(self, n_steps):
        """``n_steps`` shrinks, folding the scale in when it crosses the floor."""
        while n_steps:
            if self.shrink == 0.0 or self.scale * self._powers[n_steps] >= _SMALLEST_SCALE:
                return self._rescale(self._powers[n_steps])
            scales = self.scale * self._powers[1 : n_steps + 1]  # (n_steps,)
            crossing = int(np.argmax(scales < _SMALLEST_SCALE)) + 1
            self._rescale(self._powers[crossing])
            n_steps -= crossing

    def _rescale(self, factor):
        self.scale *= factor
        self.sq_norm *= factor * factor
        self.l1_norm *= factor
        if self.scale < _SMALLEST_SCALE:
            self.raw *= self.scale
            self.scale = 1.0

    def _truncate(self, features):
        """Pull each weight towards 0 by the L1 step it has not received yet."""
        w, q, scale = self.raw[features], self.q[features], self.scale
        down = np.maximum(0.0, w - (self.u + q) / scale)
        up = np.minimum(0.0, w + (self.u - q) / scale)
        truncated = np.where(w > 0, down, np.where(w < 0, up, w))
        self.q[features] = q + scale * (truncated - w)
        self.raw[features] = truncated

    @property
    def coef(self):
        return self.raw * self.scale


def _run_epoch(weights, rows, y, steps):
    """One pass over ``rows``; returns the summed objective (loss + penalty)."""
    n_samples, start, objective = len(y), 0, 0.0
    length, longest = weights.stretch_lengths()
    while start < n_samples:
        stop = min(n_samples, start + length)
        signed = weights.margins(rows, y, start, stop)
        k = int(np.argmax(signed <= 0))
        if signed[k] > 0 or np.isnan(signed[k]):  # no mistake in the stretch
            objective += weights.penalty_sum(stop - start)
            weights.advance(rows, start, stop - start)
            start, length = stop, min(2 * length, longest)
            continue
        objective += weights.penalty_sum(k + 1) - signed[k]
        weights.advance(rows, start, k)
        weights.step(rows.row(start + k), y[start + k] * steps[start + k])
        start += k + 1
        length = min(max(_SHORTEST_STRETCH, 2 * (k + 1)), longest)
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


def run_step_rule(X, y, steps, coef, intercept, rule, **plan):
    """Train one binary step perceptron; ``coef`` and ``intercept`` start it.

    ``y`` holds +-1 targets and ``steps`` each sample's step ``eta0 * class
    weight * sample weight``. ``plan`` may hold ``order`` (the permutation
    applied to the visiting order before every epoch; None keeps the data
    order), ``train`` (boolean mask of the rows to learn from) and
    ``validation`` ``(X_val, y_val, w_val)``: its accuracy then decides when
    to stop instead of the training objective.
    """
    weights, validation = _Weights(coef, intercept, rule), plan.get("validation")
    monitor = NoImprovement(
        0.0 if rule.tol is None else rule.tol,
        np.inf if rule.tol is None else rule.n_iter_no_change - 1,
        higher_is_better=validation is not None,
    )
    result, rows = StepResult(weights.coef, weights.intercept, 0), None
    epochs = _epochs(len(y), plan.get("order"), plan.get("train"), rule.max_iter)
    for visit in epochs:
        if rows is None or plan.get("order") is not None:
            rows = _Rows(X[visit])
        objective = _run_epoch(weights, rows, y[visit], steps[visit]) / len(visit)
        if not (np.isfinite(weights.intercept) and np.isfinite(weights.raw).all()):
            result.diverged = True
            break
        result.coef, result.intercept = weights.coef, weights.intercept
        result.n_iter += 1
        result.loss_curve.append(objective)
        if rule.verbose:
            print(f"-- Epoch {result.n_iter}, average objective {objective:.6f}")
        monitor.update(objective if validation is None else _accuracy(weights, validation))
        if monitor.should_stop:
            break
    return result
