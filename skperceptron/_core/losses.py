"""Data losses J(w), each owning the output link that turns raw scores into outputs.

Squared error and the losses of probabilities and counts are each paired with
their canonical link (identity + squared error, logistic + binary log-loss,
softmax + log-loss, exp + Poisson deviance), so their gradient with respect to
the raw output of the last layer is simply ``output - Y``, weighted per sample.
The robust regression losses, Huber and absolute error, also use the identity
link but are not canonical: their gradient is the residual ``output - Y``
clipped to ``[-delta, delta]``, or its sign, so no single outlier pulls harder
than that. The perceptron criterion has its own gradient too.
``weights`` are per-sample weights already divided by their sum (``None``
means the plain mean), so every value is a weighted mean over samples of a sum
over outputs. Outputs may carry a leading axis of stacked candidates,
``(n_candidates, n_samples, n_outputs)`` against targets shared by all; values
are then one per candidate, an array of shape (n_candidates,).
"""

import numpy as np
from scipy.special import expit, xlogy


def _weighted_mean(per_sample, weights):
    """Mean over samples of ``per_sample`` (n_samples,), weights summing to 1.

    Stacked ``per_sample`` (n_candidates, n_samples) gives one mean per row.
    """
    if per_sample.ndim > 1:
        if weights is None:
            return np.add.reduce(per_sample, axis=-1) / per_sample.shape[-1]
        return per_sample @ weights
    if weights is None:
        return float(np.add.reduce(per_sample)) / per_sample.shape[0]
    return float(np.dot(per_sample, weights))


def _mean_row_dot(A, B, weights):
    """Weighted mean over samples of ``sum(A * B, axis=1)``, no temporary.

    Unweighted, it is one dot product of the flattened arrays. With stacked
    candidates, one value per candidate.
    """
    if A.ndim > 2 or B.ndim > 2:
        return _weighted_mean(np.einsum("...k,...k->...", A, B), weights)
    if weights is None:
        return float(np.vdot(A, B)) / A.shape[0]
    return float(np.dot(np.einsum("ij,ij->i", A, B), weights))


def _scale_by_weights(delta, weights):
    """Multiply each row of ``delta`` by its sample's weight (1/n unweighted)."""
    if weights is None:
        delta *= 1.0 / delta.shape[-2]
    else:
        delta *= weights[:, np.newaxis]
    return delta


def _clipped(prob):
    """``prob`` clipped to [eps, 1 - eps], so that its log is finite."""
    eps = np.finfo(prob.dtype).eps
    clipped = np.maximum(prob, eps)
    return np.minimum(clipped, 1 - eps, out=clipped)


class _CanonicalLoss:
    """Shared gradient of a loss paired with its canonical link."""

    @classmethod
    def value_and_raw_gradient(cls, Y, out, weights, delta):
        """``value`` and ``raw_gradient`` in one call (one pass where possible)."""
        loss = cls.value(Y, out, weights)
        cls.raw_gradient(Y, out, weights, delta)
        return loss

    @staticmethod
    def raw_gradient(Y, out, weights, delta):
        """Write dJ/draw = (out - Y) * weight into ``delta`` (n_samples, n_outputs)."""
        np.subtract(out, Y, out=delta)
        return _scale_by_weights(delta, weights)


class _IdentityLink:
    """The raw score is the output."""

    link_name = "identity"

    @staticmethod
    def link(raw):
        return raw


class SquaredError(_IdentityLink, _CanonicalLoss):
    """Half squared error, summed over outputs: ``0.5 * sum_k (y_k - p_k)^2``."""

    @staticmethod
    def value(Y, out, weights=None):
        residual = out - Y  # (n_samples, n_outputs)
        return 0.5 * _mean_row_dot(residual, residual, weights)

    @staticmethod
    def value_and_raw_gradient(Y, out, weights, delta):
        """Both from one computation of the residuals ``out - Y``."""
        residual = np.subtract(out, Y, out=delta)
        loss = 0.5 * _mean_row_dot(residual, residual, weights)
        _scale_by_weights(delta, weights)
        return loss


class _ResidualLoss(_IdentityLink):
    r"""A loss :math:`\rho(r)` of each residual :math:`r = p - y`, identity link.

    A subclass gives the influence :math:`\psi = \rho'`, the raw gradient
    before weighting, and :math:`\rho` in terms of :math:`\psi` and :math:`r`,
    so one residual array serves both.
    """

    def value(self, Y, out, weights=None):
        residual = out - Y  # (n_samples, n_outputs)
        return self._value(residual, self._influence(residual), weights)

    def raw_gradient(self, Y, out, weights, delta):
        """Write dJ/draw = psi(out - Y) * weight into ``delta``."""
        residual = np.subtract(out, Y, out=delta)
        self._influence(residual, out=delta)
        return _scale_by_weights(delta, weights)

    def value_and_raw_gradient(self, Y, out, weights, delta):
        """Both from one computation of the residuals and their influence."""
        residual = out - Y  # (n_samples, n_outputs)
        loss = self._value(residual, self._influence(residual, out=delta), weights)
        _scale_by_weights(delta, weights)
        return loss


class Huber(_ResidualLoss):
    r"""Huber loss: half squared error for small residuals, linear beyond ``delta``.

    .. math::

        \rho(r) = \begin{cases}
            \frac{1}{2} r^2 & |r| \le \delta \\
            \delta (|r| - \frac{1}{2} \delta) & |r| > \delta
        \end{cases}
        = \psi r - \frac{1}{2} \psi^2,
        \qquad \psi(r) = \operatorname{clip}(r, -\delta, \delta),

    so no outlier's gradient exceeds :math:`\delta`.

    Parameters
    ----------
    delta : float, default=1.0
        Residual size, in target units, where the loss turns linear. (The
        methods' ``delta`` argument is, as for every loss, the error buffer.)
    """

    def __init__(self, delta=1.0):
        self.delta = delta

    def _influence(self, residual, out=None):
        bound = float(self.delta)  # a Python float keeps float32 in float32
        return np.clip(residual, -bound, bound, out=out)

    @staticmethod
    def _value(residual, clipped, weights):
        clipped_times_residual = _mean_row_dot(clipped, residual, weights)
        return clipped_times_residual - 0.5 * _mean_row_dot(clipped, clipped, weights)


class AbsoluteError(_ResidualLoss):
    r"""Absolute error, summed over outputs: :math:`\rho(r) = |r| = \psi r`.

    Its (sub)gradient is :math:`\psi(r) = \operatorname{sign}(r)`, 0 at
    :math:`r = 0`. Every misfit pulls equally hard whatever its size, so the
    fit tends to the conditional median.
    """

    @staticmethod
    def _influence(residual, out=None):
        return np.sign(residual, out=out)

    @staticmethod
    def _value(residual, sign, weights):
        return _mean_row_dot(sign, residual, weights)


class PoissonDeviance(_CanonicalLoss):
    """Half Poisson deviance with a log link: ``y log(y / p) - y + p``."""

    link_name = "exp"

    @staticmethod
    def link(raw):
        return np.exp(raw, out=raw)

    @staticmethod
    def value(Y, out, weights=None):
        per_sample = (xlogy(Y, Y / out) - Y + out).sum(axis=-1)
        return _weighted_mean(per_sample, weights)


class BinaryLogLoss(_CanonicalLoss):
    """Cross-entropy of independent sigmoid outputs (binary and multilabel)."""

    link_name = "logistic"

    @staticmethod
    def link(raw):
        return expit(raw, out=raw)

    @staticmethod
    def value(Y, out, weights=None):
        prob = _clipped(out)  # (n_samples, n_outputs), never 0 or 1
        log_prob = np.log(prob)
        log_complement = np.log1p(np.negative(prob, out=prob), out=prob)
        return -(
            _mean_row_dot(Y, log_prob, weights)
            + _mean_row_dot(1 - Y, log_complement, weights)
        )


class LogLoss(_CanonicalLoss):
    """Categorical cross-entropy of a softmax over the outputs (multiclass)."""

    link_name = "softmax"

    @staticmethod
    def link(raw):
        # Shift each row by its maximum so exp cannot overflow. With few
        # classes, a max along the contiguous axis of the transposed copy is
        # much faster than one along short rows; row sums are one GEMV.
        raw -= np.maximum.reduce(raw.T.copy(), axis=0).T[..., np.newaxis]
        np.exp(raw, out=raw)
        raw /= (raw @ np.ones(raw.shape[-1], raw.dtype))[..., np.newaxis]
        return raw

    @staticmethod
    def value(Y, out, weights=None):
        log_prob = _clipped(out)
        return -_mean_row_dot(Y, np.log(log_prob, out=log_prob), weights)


class PerceptronLoss(_IdentityLink):
    """Rosenblatt's criterion ``max(0, -y z)`` per output, with targets in {-1, +1}.

    Its gradient is ``-y`` for every output on the wrong side of (or on) the
    decision boundary and 0 elsewhere, so a gradient step adds misclassified
    samples to the weights: the perceptron learning rule. The link is the
    identity (the raw score is the decision function; its sign is the step).
    """

    @staticmethod
    def value(Y, out, weights=None):
        margin = Y * out  # (n_samples, n_outputs)
        per_sample = np.maximum(-margin, 0).sum(axis=1)
        return _weighted_mean(per_sample, weights)

    @staticmethod
    def raw_gradient(Y, out, weights, delta):
        """-y where the margin ``y z`` is <= 0, else 0, times each sample's weight."""
        np.multiply(Y, out, out=delta)
        return PerceptronLoss._gradient_from_margin(Y, weights, delta)

    @staticmethod
    def _gradient_from_margin(Y, weights, delta):
        """Turn the margins held in ``delta`` into the gradient, in place."""
        np.multiply(delta <= 0, Y, out=delta)
        delta *= -1.0 / delta.shape[0] if weights is None else -weights[:, np.newaxis]
        return delta

    @staticmethod
    def value_and_raw_gradient(Y, out, weights, delta):
        """Both from one computation of the margins ``y z``."""
        margin = np.multiply(Y, out, out=delta)  # (n_samples, n_outputs)
        if weights is None and margin.shape[1] == 1:
            loss = -float(np.add.reduce(np.minimum(margin, 0).ravel())) / len(margin)
        else:
            loss = _weighted_mean(-np.minimum(margin, 0).sum(axis=1), weights)
        PerceptronLoss._gradient_from_margin(Y, weights, delta)
        return loss


LOSSES = {
    "squared_error": SquaredError,
    "huber": Huber,
    "absolute_error": AbsoluteError,
    "poisson": PoissonDeviance,
    "binary_log_loss": BinaryLogLoss,
    "log_loss": LogLoss,
    "perceptron": PerceptronLoss,
}
