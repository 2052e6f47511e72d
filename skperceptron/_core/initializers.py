"""Weight initialisers: ``(fan_in, fan_out, rng, dtype, activation) -> (W, b)``.

The default, ``glorot_uniform``, draws exactly what scikit-learn's MLP draws
(same bounds, same order of random numbers), so a network started from the same
``random_state`` starts from the same point.
"""

import numpy as np


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


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
}
