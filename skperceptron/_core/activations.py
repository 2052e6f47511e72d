"""Hidden-layer activations: each class holds a forward map and its derivative.

``forward(Z)`` overwrites the pre-activations ``Z`` with ``A = f(Z)``.
``derivative(A, delta, Z=None)`` multiplies the back-propagated error ``delta``
in place by ``f'(Z)``. For most activations ``f'`` is a function of the
*output* ``A`` alone (``a (1 - a)`` for the sigmoid, ``a > 0`` for ReLU), so
the backward pass needs no extra buffer and never recomputes ``f``. GELU and
SiLU dip below zero and rise again, so one negative output comes from two
inputs with different slopes; they set ``needs_preactivation = True``, and a
layer using them keeps ``Z`` in a buffer of its own and passes it on.
"""

import math
from functools import lru_cache

import numpy as np
from scipy.special import expit, ndtr


@lru_cache(maxsize=16)
def _zero_row(n_units, dtype):
    """A read-only row of zeros for ``np.maximum(Z, row)``.

    NumPy's SIMD loop for ``maximum`` needs both operands to step through
    memory; against the scalar 0 it falls back to a loop about twice as slow
    (float64, 256 x 256: 44 us against 23 us).
    """
    zeros = np.zeros(n_units, dtype=dtype)
    zeros.flags.writeable = False
    return zeros


def _positive_part(Z):
    """``max(Z, 0)`` written over ``Z``."""
    return np.maximum(Z, _zero_row(Z.shape[-1], Z.dtype), out=Z)


class Activation:
    """The interface shared by every activation (all methods are static).

    ``forward(Z)`` writes ``f(Z)`` over ``Z`` and returns it.
    ``derivative(A, delta, Z=None)`` multiplies ``delta`` in place by ``f'``
    and returns it, given the output ``A``; ``Z`` is read only when the
    class sets ``needs_preactivation``.
    """

    needs_preactivation = False


class Identity(Activation):
    """f(z) = z, the linear unit (useful for linear bottlenecks)."""

    @staticmethod
    def forward(Z):
        return Z

    @staticmethod
    def derivative(A, delta, Z=None):
        return delta


class Logistic(Activation):
    """f(z) = 1 / (1 + exp(-z)), the sigmoid of the lecture's perceptron."""

    @staticmethod
    def forward(Z):
        return expit(Z, out=Z)

    @staticmethod
    def derivative(A, delta, Z=None):
        # f'(z) = a (1 - a)
        delta *= A
        delta *= 1 - A
        return delta


class Tanh(Activation):
    """f(z) = tanh(z), a zero-centred sigmoid."""

    @staticmethod
    def forward(Z):
        return np.tanh(Z, out=Z)

    @staticmethod
    def derivative(A, delta, Z=None):
        # f'(z) = 1 - a**2
        delta *= 1 - A**2
        return delta


class ReLU(Activation):
    """f(z) = max(z, 0), the rectified linear unit."""

    @staticmethod
    def forward(Z):
        return _positive_part(Z)

    @staticmethod
    def derivative(A, delta, Z=None):
        # f'(z) = 1 where a > 0, else 0: a multiply, not a boolean-mask assignment.
        np.multiply(delta, A > 0, out=delta)
        return delta


class LeakyReLU(Activation):
    """f(z) = z for z > 0, else s z with the slope s = 0.01.

    The derivative is 1 for z > 0 and s otherwise; since f keeps the sign of
    z, it is read off the sign of the output.
    """

    negative_slope = 0.01

    @staticmethod
    def forward(Z):
        # with s < 1, max(z, s z) is z for z > 0 and s z otherwise
        return np.maximum(Z, LeakyReLU.negative_slope * Z, out=Z)

    @staticmethod
    def derivative(A, delta, Z=None):
        one, slope = A.dtype.type(1), A.dtype.type(LeakyReLU.negative_slope)
        delta *= np.where(A > 0, one, slope)
        return delta


class ELU(Activation):
    """f(z) = z for z > 0, else alpha (exp(z) - 1), with alpha = 1.

    The derivative is 1 for z > 0 and ``alpha exp(z) = f(z) + alpha``
    otherwise, so it is read off the output. ``exp`` only ever sees
    ``min(z, 0)``, so it cannot overflow.
    """

    alpha = 1.0

    @staticmethod
    def forward(Z):
        negative_part = np.minimum(Z, 0)  # (n_samples, n_units)
        np.expm1(negative_part, out=negative_part)
        negative_part *= ELU.alpha
        _positive_part(Z)
        Z += negative_part
        return Z

    @staticmethod
    def derivative(A, delta, Z=None):
        delta *= np.where(A > 0, A.dtype.type(1), A + ELU.alpha)
        return delta


class Softplus(Activation):
    """f(z) = log(1 + exp(z)), a smooth ReLU.

    Computed as ``max(z, 0) + log1p(exp(-|z|))``, where ``exp`` never
    overflows. The derivative is the sigmoid,
    ``f'(z) = 1 / (1 + exp(-z)) = 1 - exp(-f(z))``, read off the output as
    ``-expm1(-a)``, which keeps its digits when ``a`` is tiny.
    """

    @staticmethod
    def forward(Z):
        correction = np.abs(Z)  # (n_samples, n_units)
        np.negative(correction, out=correction)
        with np.errstate(under="ignore"):  # exp(-|z|) -> 0 is the right limit
            np.exp(correction, out=correction)
        np.log1p(correction, out=correction)
        _positive_part(Z)
        Z += correction
        return Z

    @staticmethod
    def derivative(A, delta, Z=None):
        slope = np.negative(A)
        np.expm1(slope, out=slope)
        np.negative(slope, out=slope)
        delta *= slope
        return delta


class GELU(Activation):
    """f(z) = z Phi(z), the Gaussian error linear unit (exact form).

    ``Phi(z) = (1 + erf(z / sqrt(2))) / 2`` is the standard normal CDF and
    ``phi(z) = exp(-z**2 / 2) / sqrt(2 pi)`` its density. The derivative,
    ``f'(z) = Phi(z) + z phi(z)``, needs ``z``: f has a minimum near
    z = -0.75, so two inputs share each negative output.
    """

    needs_preactivation = True

    @staticmethod
    def forward(Z):
        Z *= ndtr(Z)
        return Z

    @staticmethod
    def derivative(A, delta, Z):
        with np.errstate(under="ignore"):  # phi(z) -> 0 is the right limit
            density = np.exp(-0.5 * np.square(Z))  # (n_samples, n_units)
        density *= Z
        density *= 1 / math.sqrt(2 * math.pi)
        density += ndtr(Z)
        delta *= density
        return delta


class SiLU(Activation):
    """f(z) = z sigma(z), the sigmoid-weighted linear unit (swish).

    With ``sigma(z) = 1 / (1 + exp(-z))``, the derivative is
    ``f'(z) = sigma(z) (1 + z (1 - sigma(z))) = sigma(z) + a (1 - sigma(z))``.
    It needs ``z``: f has a minimum near z = -1.28, so two inputs share each
    negative output.
    """

    needs_preactivation = True

    @staticmethod
    def forward(Z):
        Z *= expit(Z)
        return Z

    @staticmethod
    def derivative(A, delta, Z):
        sigmoid = expit(Z)  # (n_samples, n_units)
        slope = A * (1 - sigmoid)
        slope += sigmoid
        delta *= slope
        return delta


ACTIVATIONS = {
    "identity": Identity,
    "logistic": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "gelu": GELU,
    "softplus": Softplus,
    "silu": SiLU,
}
