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
        m, v, scratch = self.first_moment, self.second_moment, self._scratch
        m *= self.beta_1
        m += np.multiply(grads, 1 - self.beta_1, out=scratch)
        v *= self.beta_2
        np.multiply(grads, grads, out=scratch)
        v += np.multiply(scratch, 1 - self.beta_2, out=scratch)
        step_size = (
            learning_rate * np.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        )
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        params -= np.multiply(scratch, step_size, out=scratch)


OPTIMIZERS = {
    "sgd": SGD,
    "adam": Adam,
}
