"""Stochastic optimizers: turn a gradient into a parameter step.

``step(params, grads, learning_rate)`` updates the flat parameter vector in
place and is the only code that writes parameters during training. An
optimizer holds nothing but its own state (velocities, moments, step count),
so it can be kept on an estimator between ``partial_fit`` calls.
"""

import numpy as np


class SGD:
    """Gradient descent with (Nesterov) momentum.

    .. math::
        v \\leftarrow \\mu v - \\eta g, \\qquad
        w \\leftarrow w + v \\; \\text{(or } w + \\mu v - \\eta g
        \\text{ with Nesterov)}
    """

    def __init__(self, n_params, dtype, *, momentum=0.9, nesterovs_momentum=True):
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        scaled_grads = np.multiply(grads, learning_rate, out=self._scratch)
        if self.momentum == 0.0:  # plain gradient descent: no velocity to keep
            params -= scaled_grads
            return
        self.velocity *= self.momentum
        self.velocity -= scaled_grads
        if self.nesterovs_momentum:
            params -= scaled_grads
            params += np.multiply(self.velocity, self.momentum, out=self._scratch)
        else:
            params += self.velocity


class Adam:
    """Adam (Kingma & Ba, 2014) with bias-corrected step size.

    .. math::
        m \\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\quad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2, \\quad
        w \\leftarrow w - \\eta \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}
        \\frac{m}{\\sqrt{v} + \\epsilon}
    """

    def __init__(self, n_params, dtype, *, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.first_moment = np.zeros(n_params, dtype=dtype)
        self.second_moment = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        self.t += 1
        scratch = self._scratch
        _blend_into(self.first_moment, grads, self.beta_1, scratch)
        squared_grads = np.multiply(grads, grads, out=scratch)
        _blend_into(self.second_moment, squared_grads, self.beta_2, scratch)
        step_size = (
            learning_rate * np.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        )
        _divide_by_root(self.first_moment, self.second_moment, self.epsilon, scratch)
        params -= np.multiply(scratch, step_size, out=scratch)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The weights shrink towards zero by a step of their own, outside Adam's
    adaptive scaling. An L2 term added to the gradient instead would be divided
    by :math:`\\sqrt{v}`, and so weakened for the weights whose gradients are
    largest. With :math:`\\lambda` = ``weight_decay`` and Adam's moments
    :math:`m, v`:

    .. math::
        w \\leftarrow w - \\eta \\lambda w
        - \\eta \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}
        \\frac{m}{\\sqrt{v} + \\epsilon}

    Only the first ``n_decayed`` entries of the flat parameter vector decay
    (the network's weights, which come before its biases); ``None`` decays
    them all. With :math:`\\lambda = 0` this is Adam exactly.
    """

    def __init__(
        self,
        n_params,
        dtype,
        *,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.01,
        n_decayed=None,
    ):
        super().__init__(n_params, dtype, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.weight_decay = weight_decay
        self.n_decayed = n_decayed

    def step(self, params, grads, learning_rate):
        decayed_params = params[: self.n_decayed]  # a view; [:None] is all
        decayed_params *= 1 - learning_rate * self.weight_decay
        super().step(params, grads, learning_rate)


class RMSprop:
    """RMSprop (Hinton, 2012): divide the step by a running RMS of the gradient.

    .. math::
        v \\leftarrow \\rho v + (1 - \\rho) g^2, \\qquad
        w \\leftarrow w - \\eta \\frac{g}{\\sqrt{v} + \\epsilon}
    """

    def __init__(self, n_params, dtype, *, rho=0.9, epsilon=1e-8):
        self.rho, self.epsilon = rho, epsilon
        self.mean_square = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        scratch = self._scratch
        squared_grads = np.multiply(grads, grads, out=scratch)
        _blend_into(self.mean_square, squared_grads, self.rho, scratch)
        _divide_by_root(grads, self.mean_square, self.epsilon, scratch)
        params -= np.multiply(scratch, learning_rate, out=scratch)


def _blend_into(average, values, decay, scratch):
    """Exponential moving average in place: ``a <- decay a + (1 - decay) x``.

    ``values`` may be ``scratch`` itself; ``scratch`` is overwritten.
    """
    average *= decay
    average += np.multiply(values, 1 - decay, out=scratch)


def _divide_by_root(numerator, mean_square, epsilon, out):
    """``out <- numerator / (sqrt(mean_square) + epsilon)``; return ``out``."""
    np.sqrt(mean_square, out=out)
    out += epsilon
    return np.divide(numerator, out, out=out)


OPTIMIZERS = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
}
