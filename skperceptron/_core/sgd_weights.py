"""A linear model's weights as scikit-learn's SGD keeps them, for the step rule.

``coef = scale * raw``: the L2 shrink ``c = max(0, 1 - (1 - l1_ratio) eta
alpha)`` of every sample multiplies ``scale`` only, and is folded into ``raw``
when ``scale`` falls below 1e-9. The L1 part is the cumulative truncated
gradient of Tsuruoka et al. (2009): ``u`` is the L1 step every weight could
have received so far and ``q`` what each one did receive. ``sq_norm`` and
``l1_norm`` are the norms scikit-learn tracks for its objective (recomputed
over a sample's features when the sample is added, scaled by every shrink,
left alone by the truncation). Sparse rows touch only their non-zeros.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import norm as sparse_norm

from .truncation import TruncatedPath

# below this the scale is folded into the raw weights
_SMALLEST_SCALE = 1e-9
# longest stretch along a truncation path (the path holds one row per sample)
_LONGEST_PATH = 256


def rounding_slack(X):
    """Bound on ``|fast - sequential| / ||w||`` for the products ``X @ w``.

    Any order of summing ``n`` terms is within ``n * eps * sum |terms|`` of the
    exact sum, and ``sum |x_j w_j| <= ||x|| ||w||``; twice that covers two
    orders, and twice again the scaling and the bias.
    """
    row_norms = sparse_norm(X, axis=1) if sp.issparse(X) else np.linalg.norm(X, axis=1)
    longest_row = np.diff(X.indptr).max(initial=0) if sp.issparse(X) else X.shape[1]
    return (
        4.0
        * (longest_row + 1)
        * np.finfo(np.float64).eps
        * float(row_norms.max(initial=0))
    )


class _Rows:
    """An epoch's rows, dense or CSR: stretch products and single rows."""

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


class SGDWeights:
    """Weights of a penalised (or sparse) step rule, shrunk and truncated lazily.

    Parameters
    ----------
    coef : ndarray of shape (n_features,)
        Starting weights.
    intercept : float
        Starting bias.
    rule : StepRule
        The settings; ``rule.l1_share()`` is None without a penalty.
    longest : int
        Longest stretch of samples whose margins are asked for at once.
    """

    def __init__(self, coef, intercept, rule, longest):
        l1_share = rule.l1_share()
        self.rule, self.penalised = rule, l1_share is not None
        self.l1_share = l1_share or 0.0
        shrink = 1.0 - (1.0 - self.l1_share) * rule.eta0 * rule.alpha
        self.shrink = max(0.0, shrink) if self.penalised else 1.0
        self.l1_step = self.l1_share * rule.eta0 * rule.alpha
        self.truncating = bool(self.penalised and rule.penalty != "l2" and self.l1_step)
        self.raw, self.scale = np.array(coef, dtype=np.float64), 1.0
        self.intercept, self.u = float(intercept), 0.0
        self.q = np.zeros_like(self.raw)
        self.sq_norm, self.l1_norm = self.raw @ self.raw, np.abs(self.raw).sum()
        powers = self.shrink ** np.arange(longest + 1, dtype=np.float64)
        self._powers = powers  # (longest + 1,) shrink ** k
        self._sq_sums, self._abs_sums = np.cumsum(powers * powers), np.cumsum(powers)

    def take_rows(self, X, y, steps):
        """Keep the rows, their +-1 targets and steps, in data order."""
        self._all = X, y, y * steps
        self._slack_per_norm = rounding_slack(X)

    def begin_epoch(self, visit):
        """Put the rows of this epoch in its visiting order."""
        X, y, updates = self._all
        self.rows, self.y = _Rows(X[visit]), y[visit]
        self.updates = updates[visit].tolist()

    def margins(self, start, stop):
        """Signed margins ``y z`` of rows ``[start, stop)`` if none is a mistake."""
        self._update_slack()
        if self._follows_path():
            return self._path_margins(start, stop)
        raw = self.rows.dot(start, stop, self.raw)
        if self.shrink == 1.0:
            scaled = raw * self.scale if self.scale != 1.0 else raw
        else:
            scaled = raw * (self.scale * self._powers[: stop - start])
        return self.y[start:stop] * (scaled + self.intercept)

    def _update_slack(self):
        """How far from 0 a margin's rounding can reach, kept in ``slack``."""
        size = np.sqrt(self.raw @ self.raw) * self.scale + abs(self.intercept)
        self.slack = self._slack_per_norm * size + 4.0 * np.finfo(np.float64).eps * size

    def _follows_path(self):
        """Dense truncated weights are followed along their closed-form path."""
        return self.truncating and not sp.issparse(self.rows.X)

    def _path_margins(self, start, stop):
        """Margins along the truncation path of the weights ``scale * raw``."""
        self._path = TruncatedPath(
            self.coef, self.q, self.u, self.shrink, self.l1_step, stop - start
        )
        weights = self._path.weights[: stop - start]  # (stop - start, n_features)
        raw = np.einsum("kf,kf->k", self.rows.X[start:stop], weights)
        return self.y[start:stop] * (raw + self.intercept)

    def exact_margin(self, start, k):
        """The margin of row ``start + k`` summed feature after feature, as
        scikit-learn sums it, after ``k`` shrinks."""
        features, values = self.rows.row(start + k)
        weights = self._path.weights[k] if self._follows_path() else self.raw
        products = values * weights[features]
        raw = float(np.cumsum(products)[-1]) if products.size else 0.0
        scale = self.scale * (1.0 if self._follows_path() else self._powers[k])
        return float(self.y[start + k] * (raw * scale + self.intercept))

    def penalty_sum(self, n_steps):
        """The penalty term the objective sums over the next ``n_steps`` samples."""
        if not self.penalised or not n_steps:
            return 0.0
        l2 = 0.5 * (1.0 - self.l1_share) * self.sq_norm * self._sq_sums[n_steps - 1]
        l1 = self.l1_share * self.l1_norm * self._abs_sums[n_steps - 1]
        return self.rule.alpha * (l2 + l1)

    def advance(self, start, n_steps):
        """``n_steps`` samples from ``start`` on, all on the right side."""
        if self._follows_path():
            coef, self.q, self.u = self._path.state_after(n_steps)
            self._shrink_quietly(n_steps)
            self.raw = coef / self.scale  # scikit-learn keeps its scale apart
        elif self.truncating:
            for i in range(start, start + n_steps):
                self._process(self.rows.row(i), 0.0)
        elif self.penalised:
            self._shrink_quietly(n_steps)

    def step(self, i):
        """Sample ``i``, a mistake: shrink, add its update, truncate."""
        self._process(self.rows.row(i), self.updates[i])

    def _process(self, row, update):
        """One sample in scikit-learn's order of operations."""
        features, values = row
        if self.penalised:
            self._rescale(self.shrink)
        if update != 0.0:
            self.raw[features] += values * (update / self.scale)
            if self.penalised:
                touched = self.raw[features]
                self.sq_norm = (touched @ touched) * self.scale**2
                self.l1_norm = np.abs(touched).sum() * self.scale
            if self.rule.fit_intercept:
                self.intercept += update * self.rule.intercept_decay
        if self.truncating:
            self.u += self.l1_step
            self._truncate(features)

    def _shrink_quietly(self, n_steps):
        """``n_steps`` shrinks, folding the scale in where it crosses the floor."""
        while n_steps:
            if (
                self.shrink == 0.0
                or self.scale * self._powers[n_steps] >= _SMALLEST_SCALE
            ):
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

    def stretch_lengths(self, shortest, longest):
        """Stretch lengths to scan: one sample at a time while truncating
        sparse rows, short paths while truncating dense ones."""
        if self.truncating:
            return (shortest, _LONGEST_PATH) if self._follows_path() else (1, 1)
        return shortest, longest

    @property
    def coef(self):
        return self.raw * self.scale
