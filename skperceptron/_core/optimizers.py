"""Stochastic optimizers: turn a gradient into a parameter step.

``step(params, grads, learning_rate)`` updates the flat parameter vector in
place and is the only code that writes parameters during training. An
optimizer holds nothing but its own state (velocities, moments, step count),
so it can be kept on an estimator between ``partial_fit`` calls.

Stacked candidates (see ``network.py``) pass ``n_params`` as the shape
``(n_candidates, n_params)``, hyper-parameters and learning rates as arrays of
shape (n_candidates, 1) (or plain numbers shared by all), and step every
candidate at once; the arithmetic is the same element by element.
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
        # plain gradient descent keeps no velocity
        self._plain = not np.any(momentum)
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        scaled_grads = np.multiply(grads, learning_rate, out=self._scratch)
        if self._plain:
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

    The moments are kept as discounted sums, ``gradient_sum``
    :math:`u = m / (1 - \\beta_1)` and ``squared_gradient_sum``
    :math:`s = v / (1 - \\beta_2)`, whose updates :math:`u \\leftarrow \\beta_1 u
    + g` and :math:`s \\leftarrow \\beta_2 s + g^2` take one pass over the
    parameters fewer each; the constant factors move into the step size and
    :math:`\\epsilon`:

    .. math::
        \\frac{m}{\\sqrt{v} + \\epsilon}
        = \\frac{1 - \\beta_1}{\\sqrt{1 - \\beta_2}}
        \\frac{u}{\\sqrt{s} + \\epsilon / \\sqrt{1 - \\beta_2}}
    """

    def __init__(self, n_params, dtype, *, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.gradient_sum = np.zeros(n_params, dtype=dtype)
        self.squared_gradient_sum = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        self.t += 1
        scratch, dtype = self._scratch, params.dtype
        beta_1, beta_2 = self.beta_1, self.beta_2
        self.gradient_sum *= _factor(beta_1, dtype)
        self.gradient_sum += grads
        self.squared_gradient_sum *= _factor(beta_2, dtype)
        self.squared_gradient_sum += np.multiply(grads, grads, out=scratch)
        root_scale = np.sqrt(1 - beta_2)  # sqrt(v) = root_scale * sqrt(s)
        step_size = (
            learning_rate
            * np.sqrt(1 - _power(beta_2, self.t))
            / (1 - _power(beta_1, self.t))
            * ((1 - beta_1) / root_scale)
        )
        epsilon = _factor(self.epsilon / root_scale, dtype)
        _divide_by_root(self.gradient_sum, self.squared_gradient_sum, epsilon, scratch)
        params -= np.multiply(scratch, _factor(step_size, dtype), out=scratch)


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
        decayed_params = params[..., : self.n_decayed]  # a view; [:None] is all
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


class Adagrad:
    """Adagrad (Duchi, Hazan & Singer, 2011): per-weight rates from the gradient sum.

    Each weight's step is divided by the root of the sum of all its squared
    gradients so far, so weights with large or frequent gradients slow down
    and rarely updated ones keep a large step:

    .. math::
        s \\leftarrow s + g^2, \\qquad
        w \\leftarrow w - \\eta \\frac{g}{\\sqrt{s} + \\epsilon}
    """

    def __init__(self, n_params, dtype, *, epsilon=1e-8):
        self.epsilon = epsilon
        self.sum_of_squares = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        scratch = self._scratch
        self.sum_of_squares += np.multiply(grads, grads, out=scratch)
        _divide_by_root(grads, self.sum_of_squares, self.epsilon, scratch)
        params -= np.multiply(scratch, learning_rate, out=scratch)


class Adadelta:
    """Adadelta (Zeiler, 2012): the step's own running RMS sets its units.

    With running means :math:`v` of the squared gradients and :math:`u` of
    the squared updates (both decaying by :math:`\\rho`):

    .. math::
        v \\leftarrow \\rho v + (1 - \\rho) g^2, \\quad
        \\Delta = \\frac{\\sqrt{u + \\epsilon}}{\\sqrt{v + \\epsilon}} g, \\quad
        u \\leftarrow \\rho u + (1 - \\rho) \\Delta^2, \\quad
        w \\leftarrow w - \\eta \\Delta

    Zeiler's rule has no learning rate (:math:`\\eta = 1`); here
    :math:`\\eta` scales the update, as in PyTorch, and :math:`u` records the
    unscaled :math:`\\Delta`. :math:`\\epsilon` starts the first steps (then
    :math:`u = 0`), so it sets their size.
    """

    def __init__(self, n_params, dtype, *, rho=0.9, epsilon=1e-6):
        self.rho, self.epsilon = rho, epsilon
        self.mean_square = np.zeros(n_params, dtype=dtype)
        self.mean_square_update = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)
        self._update = np.empty(n_params, dtype=dtype)

    def step(self, params, grads, learning_rate):
        scratch, update = self._scratch, self._update
        _blend_into(
            self.mean_square, np.multiply(grads, grads, out=scratch), self.rho, scratch
        )
        np.add(self.mean_square_update, self.epsilon, out=update)
        np.add(self.mean_square, self.epsilon, out=scratch)
        np.divide(update, scratch, out=update)
        np.sqrt(update, out=update)
        update *= grads  # the unscaled step Delta
        squared_update = np.multiply(update, update, out=scratch)
        _blend_into(self.mean_square_update, squared_update, self.rho, scratch)
        params -= np.multiply(update, learning_rate, out=update)


def _power(base, exponent):
    """``base ** exponent`` by Python's pow, also for a column of stacked bases.

    NumPy's vectorised pow may differ from it in the last bit, and a stacked
    candidate must take the very steps of its own fit.
    """
    if isinstance(base, np.ndarray):
        return np.array([float(b) ** exponent for b in base.flat]).reshape(base.shape)
    return base**exponent


def _factor(value, dtype):
    """A scalar or a column of stacked factors, in the parameters' dtype.

    Multiplying a float32 array by a float64 NumPy scalar would compute in
    float64 (a pass several times slower) and round back.
    """
    return np.asarray(value, dtype=dtype)


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
    "adagrad": Adagrad,
    "adadelta": Adadelta,
}
