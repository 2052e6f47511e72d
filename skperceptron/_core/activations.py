"""Hidden-layer activations: each class holds a forward map and its derivative.

``forward(Z)`` overwrites the pre-activations ``Z`` with ``f(Z)``.
``derivative(A, delta)`` multiplies the back-propagated error ``delta`` in place
by ``f'`` computed from the *output* ``A = f(Z)``, so the backward pass needs no
extra buffer and never recomputes ``f``.
"""

import numpy as np
from scipy.special import expit


class Identity:
    """f(z) = z, the linear unit (useful for linear bottlenecks)."""

    @staticmethod
    def forward(Z):
        return Z

    @staticmethod
    def derivative(A, delta):
        return delta


class Logistic:
    """f(z) = 1 / (1 + exp(-z)), the sigmoid of the lecture's perceptron."""

    @staticmethod
    def forward(Z):
        return expit(Z, out=Z)

    @staticmethod
    def derivative(A, delta):
        # f'(z) = a (1 - a)
        delta *= A
        delta *= 1 - A
        return delta


class Tanh:
    """f(z) = tanh(z), a zero-centred sigmoid."""

    @staticmethod
    def forward(Z):
        return np.tanh(Z, out=Z)

    @staticmethod
    def derivative(A, delta):
        # f'(z) = 1 - a**2
        delta *= 1 - A**2
        return delta


class ReLU:
    """f(z) = max(z, 0), the rectified linear unit."""

    @staticmethod
    def forward(Z):
        return np.maximum(Z, 0, out=Z)

    @staticmethod
    def derivative(A, delta):
        # f'(z) = 1 where a > 0, else 0: a multiply, not a boolean-mask assignment.
        np.multiply(delta, A > 0, out=delta)
        return delta


ACTIVATIONS = {
    "identity": Identity,
    "logistic": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
}
