"""The truncated-gradient L1 penalty's path of dense weights between two mistakes.

scikit-learn's SGD applies L1 as the cumulative truncated gradient (Tsuruoka
et al., 2009): after each sample, with ``u`` the total L1 step so far and
``q_j`` the part weight ``j`` has received, a positive weight becomes
``max(0, w_j - (u + q_j))`` (a negative one ``min(0, w_j + (u - q_j))``) and
``q_j`` records the change. While no mistake adds a sample, every sample also
shrinks the weights by ``c`` and adds ``d`` to ``u``, so each weight's size
follows a closed form: after the first step ``s_1 = c s_0 - (u + d \\pm q)``,
then ``s_k = c s_{k-1} - d``, and 0 from the first step that reaches 0 on.
"""

import numpy as np


class TruncatedPath:
    """Weights after each of the next ``n_steps`` samples without a mistake.

    Parameters
    ----------
    coef : ndarray of shape (n_features,)
        Weights now.
    q : ndarray of shape (n_features,)
        L1 step received by each weight so far.
    u : float
        Total L1 step so far.
    shrink, l1_step : float
        The per-sample factor ``c`` and L1 step ``d``.
    n_steps : int
        Length of the path.

    Examples
    --------
    >>> path = TruncatedPath(np.array([1.0, -0.25]), np.zeros(2), 0.0, 1.0, 0.1, 3)
    >>> path.weights.round(2)
    array([[ 1.  , -0.25],
           [ 0.9 , -0.15],
           [ 0.8 , -0.05],
           [ 0.7 ,  0.  ]])
    """

    def __init__(self, coef, q, u, shrink, l1_step, n_steps):
        self.sign, size = np.sign(coef), np.abs(coef)
        self.q, self.u, self.shrink, self.l1_step = q, u, shrink, l1_step
        first_debt = u + l1_step + self.sign * q  # (n_features,)
        k = np.arange(n_steps, dtype=np.float64)[:, np.newaxis]  # steps after the first
        powers = shrink**k
        decay = k if shrink == 1.0 else (1.0 - powers) / (1.0 - shrink)
        free = powers * (shrink * size - first_debt) - l1_step * decay
        self.size = np.vstack(
            [size, np.maximum(free, 0.0)]
        )  # (n_steps + 1, n_features)
        self.weights = self.sign * self.size + 0.0  # no negative zeros

    def state_after(self, n_steps):
        """``(coef, q, u)`` after the first ``n_steps`` samples of the path."""
        if not n_steps:
            return self.weights[0].copy(), self.q, self.u
        u = self.u + n_steps * self.l1_step
        stopped = self.size[1 : n_steps + 1] == 0  # (n_steps, n_features)
        last = np.argmax(stopped, axis=0)  # steps taken before reaching 0
        u_before = self.u + last * self.l1_step
        q_before = np.where(last >= 1, -self.sign * u_before, self.q)
        reach = self.size[last, np.arange(self.size.shape[1])]  # (n_features,)
        q_stopped = q_before - self.sign * self.shrink * reach
        q = np.where(stopped.any(axis=0), q_stopped, -self.sign * u)
        q = np.where(self.sign == 0, self.q, q)
        return self.weights[n_steps].copy(), q, u
