"""Network: stacked dense layers, the loss J(w) and its gradient by backpropagation.

All weights and biases live in one flat vector ``params`` (weights of every
layer first, then biases), and their gradients in ``grads`` of the same
layout, so an optimizer step or an L-BFGS call works on whole vectors while
each layer sees ``(fan_in, fan_out)`` views.
"""

import numpy as np

from .activations import ACTIVATIONS, Identity
from .initializers import INITIALIZERS
from .layers import Dense
from .losses import LOSSES
from .penalties import PENALTIES


def _layer_shapes(layer_units):
    return list(zip(layer_units[:-1], layer_units[1:]))


def _split_views(flat, layer_units):
    """Per-layer ``(fan_in, fan_out)`` and ``(fan_out,)`` views of ``flat``."""
    shapes = _layer_shapes(layer_units)
    coefs, start = [], 0
    for fan_in, fan_out in shapes:
        coefs.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
        start += fan_in * fan_out
    intercepts = []
    for _, fan_out in shapes:
        intercepts.append(flat[start : start + fan_out])
        start += fan_out
    return coefs, intercepts


class Network:
    """A multi-layer perceptron with a loss, ready for gradient-based training.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activation : str
        Key of ``ACTIVATIONS`` used by every hidden layer.
    loss : str
        Key of ``LOSSES``; the loss also fixes the output link.
    dtype : numpy dtype
        float32 or float64, used for parameters and every buffer.
    penalty, alpha, l1_ratio : str or None, float, float
        The weight penalty (key of ``PENALTIES``) and its strength.
    penalty_per_weight_sum : bool
        When True (scikit-learn's MLP), the penalty of a batch is divided by the
        batch's total sample weight, as the data loss is.
    weights_per_batch : bool
        When True (scikit-learn's MLP), a batch's sample weights are divided by
        their own sum, so the batch loss is a weighted mean. When False they
        are divided by the batch's sample count: weights keep their size from
        batch to batch (a heavy sample weighs more even in a batch of one), and
        the caller scales them to a mean of 1 over the data set.
    fit_intercept : bool
        When False the biases get a zero gradient, so they stay where they are.
    """

    def __init__(
        self,
        layer_units,
        activation,
        loss,
        dtype,
        *,
        penalty="l2",
        alpha=0.0,
        l1_ratio=0.0,
        penalty_per_weight_sum=True,
        weights_per_batch=True,
        fit_intercept=True,
    ):
        self.layer_units = list(layer_units)
        self.activation = activation
        self.dtype = np.dtype(dtype)
        self.loss = LOSSES[loss]
        self.penalty = PENALTIES[penalty]
        self.alpha, self.l1_ratio = alpha, l1_ratio
        self.penalty_per_weight_sum = penalty_per_weight_sum
        self.weights_per_batch = weights_per_batch
        self.fit_intercept = fit_intercept
        shapes = _layer_shapes(self.layer_units)
        self.n_coefs = sum(fan_in * fan_out for fan_in, fan_out in shapes)
        n_params = self.n_coefs + sum(fan_out for _, fan_out in shapes)
        self.params = np.zeros(n_params, dtype=self.dtype)
        self.grads = np.zeros(n_params, dtype=self.dtype)
        self.coefs, self.intercepts = _split_views(self.params, self.layer_units)
        coef_grads, intercept_grads = _split_views(self.grads, self.layer_units)
        activations = [ACTIVATIONS[activation]] * (len(shapes) - 1) + [Identity]
        self.layers = [
            Dense(*views)
            for views in zip(
                self.coefs, self.intercepts, coef_grads, intercept_grads, activations
            )
        ]
        self._capacity = 0

    def initialize(self, rng, initializer="glorot_uniform"):
        """Draw each layer's weights, then biases, with an initializer."""
        init = INITIALIZERS[initializer]
        for W, b in zip(self.coefs, self.intercepts):
            W[...], b[...] = init(*W.shape, rng, self.dtype, self.activation)
        return self

    def set_weights(self, coefs, intercepts):
        """Copy per-layer weights and biases into the flat parameter vector."""
        for dst, src in zip(
            self.coefs + self.intercepts, list(coefs) + list(intercepts)
        ):
            np.copyto(dst, src, casting="same_kind")
        return self

    def _buffers(self, n_samples):
        """Per-layer output and error buffers of ``n_samples`` rows.

        One allocation serves every batch size up to the largest seen; the
        row-sliced views are cached per size (an epoch sees at most two).
        """
        if n_samples > self._capacity:
            units = self.layer_units[1:]
            self._outputs = [np.empty((n_samples, u), self.dtype) for u in units]
            self._deltas = [np.empty((n_samples, u), self.dtype) for u in units]
            self._capacity = n_samples
            self._views = {}
        if n_samples not in self._views:
            self._views[n_samples] = (
                [buf[:n_samples] for buf in self._outputs],
                [buf[:n_samples] for buf in self._deltas],
            )
        return self._views[n_samples]

    def forward(self, X):
        """Outputs of every layer for ``X``; the last one is through the link."""
        outputs, _ = self._buffers(X.shape[0])
        inputs = X
        for layer, out in zip(self.layers, outputs):
            inputs = layer.forward(inputs, out)
        self.loss.link(outputs[-1])
        return outputs

    def loss_and_gradient(self, X, Y, sample_weight=None):
        """J(w) on the batch ``(X, Y)``; fills ``self.grads`` with dJ/dw.

        J is the (weighted) mean data loss plus the penalty. Samples with zero
        weight do not count; the caller must not pass a batch whose weights
        sum to zero.
        """
        n_samples = X.shape[0]
        if sample_weight is None:
            weight_sum, weights = n_samples, None
        else:
            weight_sum = float(sample_weight.sum())
            weights = sample_weight / (
                weight_sum if self.weights_per_batch else n_samples
            )
        outputs, deltas = self._buffers(n_samples)
        self.forward(X)
        loss = self.loss.value_and_raw_gradient(Y, outputs[-1], weights, deltas[-1])
        for i in range(len(self.layers) - 1, -1, -1):
            inputs = X if i == 0 else outputs[i - 1]
            below = None if i == 0 else deltas[i - 1]
            self.layers[i].backward(inputs, outputs[i], deltas[i], below)
        if not self.fit_intercept:
            self.grads[self.n_coefs :] = 0.0
        return loss + self._add_penalty(weight_sum)

    def _add_penalty(self, weight_sum):
        """Add the penalty's gradient to ``grads``; return the penalty's value."""
        alpha = self.alpha / weight_sum if self.penalty_per_weight_sum else self.alpha
        if alpha == 0.0 or self.penalty is PENALTIES[None]:
            return 0.0
        coefs = self.params[: self.n_coefs]
        self.penalty.add_gradient(
            coefs, self.grads[: self.n_coefs], alpha, self.l1_ratio
        )
        return self.penalty.value(coefs, alpha, self.l1_ratio)


def predict_output(coefs, intercepts, activation, loss, X):
    """Network output for ``X`` from fitted weights, allocating fresh arrays.

    Holds no state and writes nothing shared, so concurrent calls on one fitted
    estimator are safe.
    """
    hidden = ACTIVATIONS[activation]
    out = X
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        out = out @ W  # (n_samples, fan_out)
        out += b
        if i < len(coefs) - 1:
            hidden.forward(out)
    return LOSSES[loss].link(out)
