"""NoImprovement: count epochs without progress and remember the best weights.

One monitor serves every way training stops: on the training loss, on the
validation loss (lower is better) or on a validation score (higher is better).
The monitor knows which metric it watches and so which way is better. An epoch
counts as "no improvement" unless it beats the best value so far by at least
``tol``.
"""

import numpy as np

# metric -> whether a higher value is better
HIGHER_IS_BETTER = {"loss": False, "validation_loss": False, "validation_score": True}

# metric -> how a stopping message names it
METRIC_NAMES = {
    "loss": "Training loss",
    "validation_loss": "Validation loss",
    "validation_score": "Validation score",
}


class NoImprovement:
    """Early-stopping monitor.

    Parameters
    ----------
    tol : float
        Minimum improvement that resets the counter.
    n_iter_no_change : int or inf
        Training stops (or the schedule is asked to lower the rate) once the
        counter exceeds this number.
    metric : {'loss', 'validation_loss', 'validation_score'}
        What the monitor watches; a key of ``HIGHER_IS_BETTER``.
    best : float or None
        Best value seen before (kept across ``warm_start``/``partial_fit``).
    count : int
        Epochs without improvement carried over from an earlier call.
    best_params : ndarray or None
        Weights of that best value, when a validation metric is watched: kept
        unless an epoch of this run beats them.
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
        metric="loss",
        best=None,
        count=0,
        best_params=None,
        skip_first=False,
    ):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.metric = metric
        self.sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
        self.best = best if best is not None else -self.sign * np.inf
        self.count = count
        self.best_params = best_params
        self._skip_next = skip_first

    @property
    def watches_validation(self):
        """Whether the metric comes from held-out data (and weights are kept)."""
        return self.metric != "loss"

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
