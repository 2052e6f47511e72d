"""NoImprovement: count epochs without progress and remember the best weights.

One monitor serves both ways scikit-learn stops: on the training loss (lower
is better) or on a validation score (higher is better). An epoch counts as
"no improvement" unless it beats the best value so far by at least ``tol``.
"""

import numpy as np


class NoImprovement:
    """Early-stopping monitor.

    Parameters
    ----------
    tol : float
        Minimum improvement that resets the counter.
    n_iter_no_change : int or inf
        Training stops (or the schedule is asked to lower the rate) once the
        counter exceeds this number.
    higher_is_better : bool
        True for a validation score, False for a training loss.
    best : float or None
        Best value seen before (kept across ``warm_start``/``partial_fit``).
    count : int
        Epochs without improvement carried over from an earlier call.
    skip_first : bool
        Ignore the first value. The perceptron criterion of an all-zero weight
        vector is exactly 0 (every sample lies on the boundary), a value no
        later epoch could beat although nothing has been learnt yet.
    """

    def __init__(
        self,
        tol,
        n_iter_no_change,
        *,
        higher_is_better,
        best=None,
        count=0,
        skip_first=False,
    ):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = best if best is not None else -self.sign * np.inf
        self.count = count
        self.best_params = None
        self._skip_next = skip_first

    def update(self, value, params=None):
        """Record an epoch's value; return True when it is the best so far.

        ``params`` (the flat weights) are copied when they score best.
        """
        if self._skip_next:
            self._skip_next = False
            return False
        signed, best = self.sign * value, self.sign * self.best
        self.count = self.count + 1 if signed < best + self.tol else 0
        if not signed > best:  # a nan is never the best
            return False
        self.best = value
        if params is not None:
            self.best_params = params.copy()
        return True

    @property
    def should_stop(self):
        """True when more than ``n_iter_no_change`` epochs did not improve."""
        return self.count > self.n_iter_no_change

    def reset_count(self):
        self.count = 0
