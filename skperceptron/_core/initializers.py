"""Weight initialisers: ``(fan_in, fan_out, rng, dtype, activation) -> (W, b)``.

The default, ``glorot_uniform``, draws exactly what scikit-learn's MLP draws
(same bounds, same order of random numbers), so a network started from the same
``random_state`` starts from the same point. The others scale the weights'
variance to the activation that follows (Glorot for tanh/logistic, He for the
ReLU family, LeCun for SELU-like units) and start every bias at zero, so they
draw the weights only.
"""

import numpy as np


def _with_zero_biases(W, dtype):
    """``W`` (fan_in, fan_out) cast to ``dtype``, and zero biases (fan_out,)."""
    return W.astype(dtype, copy=False), np.zeros(W.shape[1], dtype=dtype)


def _normal_with_zero_biases(fan_in, fan_out, rng, dtype, variance):
    """Weights drawn from N(0, ``variance``) (not truncated); biases zero."""
    W = rng.normal(0.0, np.sqrt(variance), (fan_in, fan_out))  # (fan_in, fan_out)
    return _with_zero_biases(W, dtype)


def glorot_uniform(fan_in, fan_out, rng, dtype, activation="relu"):
    """Uniform on ``[-r, r]`` with ``r = sqrt(k / (fan_in + fan_out))``.

    ``k`` is 6 (Glorot & Bengio, 2010), or 2 for logistic units as in
    scikit-learn. Weights are drawn before biases, from the same bound.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, (fan_in, fan_out))  # (fan_in, fan_out)
    b = rng.uniform(-bound, bound, fan_out)  # (fan_out,)
    return W.astype(dtype, copy=False), b.astype(dtype, copy=False)


def glorot_normal(fan_in, fan_out, rng, dtype, activation="relu"):
    r"""Normal weights :math:`W \sim N(0, 2 / (n_{in} + n_{out}))`, zero biases.

    Glorot & Bengio (2010): the variance that keeps activations and gradients
    the same size in both directions through tanh or logistic units. The
    ``activation`` is not used.
    """
    return _normal_with_zero_biases(
        fan_in, fan_out, rng, dtype, variance=2.0 / (fan_in + fan_out)
    )


def he_uniform(fan_in, fan_out, rng, dtype, activation="relu"):
    r"""Uniform weights on :math:`[-r, r]`, :math:`r = \sqrt{6 / n_{in}}`, zero biases.

    He et al. (2015), for the ReLU family: the variance :math:`r^2 / 3 = 2 / n_{in}`
    is twice LeCun's, because a ReLU zeroes half of what it receives. The
    ``activation`` is not used.
    """
    bound = np.sqrt(6.0 / fan_in)
    W = rng.uniform(-bound, bound, (fan_in, fan_out))  # (fan_in, fan_out)
    return _with_zero_biases(W, dtype)


def he_normal(fan_in, fan_out, rng, dtype, activation="relu"):
    r"""Normal weights :math:`W \sim N(0, 2 / n_{in})`, zero biases.

    He et al. (2015), for the ReLU family. The ``activation`` is not used.
    """
    return _normal_with_zero_biases(fan_in, fan_out, rng, dtype, variance=2.0 / fan_in)


def lecun_normal(fan_in, fan_out, rng, dtype, activation="relu"):
    r"""Normal weights :math:`W \sim N(0, 1 / n_{in})`, zero biases.

    LeCun et al. (1998): unit-variance inputs give unit-variance
    pre-activations, the fixed point that SELU-like units keep and that suits
    tanh. The ``activation`` is not used.
    """
    return _normal_with_zero_biases(fan_in, fan_out, rng, dtype, variance=1.0 / fan_in)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
}
