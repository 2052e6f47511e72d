"""Network: stacked dense layers, the loss J(w) and its gradient by backpropagation.

All weights and biases live in one flat vector ``params`` (weights of every
layer first, then biases), and their gradients in ``grads`` of the same
layout, so an optimizer step or an L-BFGS call works on whole vectors while
each layer sees ``(fan_in, fan_out)`` views. Each hidden layer has its own
activation and dropout rate; the output layer is affine, followed by the
loss's link.

With ``n_candidates``, one Network holds that many networks of the same shape
side by side: ``params`` has shape (n_candidates, n_params), each layer sees
(n_candidates, fan_in, fan_out) views, and one forward and backward pass over
a batch shared by all computes every candidate's loss and gradient with
batched matrix products. ``alpha`` may then hold one penalty per candidate.
"""

from numbers import Real
from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS, Identity
from .initializers import INITIALIZERS
from .layers import Dense, draw_dropout_mask
from .losses import LOSSES
from .penalties import PENALTIES


class _Buffers(NamedTuple):
    """Per-layer work arrays of shape (n_samples, fan_out); None where unused."""

    outputs: list  # A = f(Z); the last one is through the link
    deltas: list  # dJ/dA, turned into dJ/dZ by backward
    preactivations: list  # Z, only where the activation needs_preactivation
    masks: list  # scaled dropout keep-masks, only where the rate is > 0
    dropped: list  # A times its mask, the next layer's input while training


def _layer_shapes(layer_units):
    return list(zip(layer_units[:-1], layer_units[1:]))


class InvalidLayerSetting(ValueError):
    """A per-hidden-layer setting (activation, dropout) that is not valid."""


def _is_activation(name):
    return isinstance(name, str) and name in ACTIVATIONS


def _is_dropout_rate(rate):
    return isinstance(rate, Real) and 0 <= rate < 1


# setting -> (check of one entry, what an entry must be)
_PER_LAYER_CHECKS = {
    "activation": (_is_activation, f"one of {sorted(ACTIVATIONS)}"),
    "dropout": (_is_dropout_rate, "a float in [0, 1)"),
}


def per_hidden_layer(name, setting, n_hidden):
    """Setting ``name`` (``activation`` or ``dropout``), one entry per hidden layer.

    A list or tuple is taken as given, anything else is repeated; each entry
    is checked. This is the one place where per-layer settings are checked.
    """
    values = (
        list(setting) if isinstance(setting, (list, tuple)) else [setting] * n_hidden
    )
    is_valid, expected = _PER_LAYER_CHECKS[name]
    if len(values) != n_hidden or not all(is_valid(value) for value in values):
        raise InvalidLayerSetting(
            f"The '{name}' parameter must be {expected}, or a list of them with one "
            f"entry per hidden layer ({n_hidden}). Got {setting!r} ({len(values)} "
            f"entries for {n_hidden} hidden layers)."
        )
    return values


def _split_views(flat, layer_units):
    """Per-layer ``(fan_in, fan_out)`` and ``(fan_out,)`` views of ``flat``.

    A stacked ``flat`` (n_candidates, n_params) gives views with the same
    leading axis.
    """
    shapes, lead = _layer_shapes(layer_units), flat.shape[:-1]
    coefs, start = [], 0
    for fan_in, fan_out in shapes:
        block = flat[..., start : start + fan_in * fan_out]
        coefs.append(block.reshape(*lead, fan_in, fan_out))
        start += fan_in * fan_out
    intercepts = []
    for _, fan_out in shapes:
        intercepts.append(flat[..., start : start + fan_out])
        start += fan_out
    return coefs, intercepts


class Network:
    """A multi-layer perceptron with a loss, ready for gradient-based training.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activation : str or list of str
        Key of ``ACTIVATIONS`` used by every hidden layer, or one key per
        hidden layer.
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
    dropout : float or list of float or None
        Probability in [0, 1) of dropping each hidden unit while training (see
        ``loss_and_gradient``), for every hidden layer or one per hidden layer.
        None means 0.
    loss_params : dict or None
        Keyword arguments of the loss class, e.g. a Huber loss's ``delta``.
    n_candidates : int or None
        Stack this many networks along a leading axis of every array (see
        the module docstring); ``alpha`` may then be an array of shape
        (n_candidates, 1). Losses are then arrays of shape (n_candidates,).

    Attributes
    ----------
    hidden_activations : list of str
        The activation name of each hidden layer.
    dropout_rates : list of float
        The dropout rate of each layer, 0 for the output layer.
    has_dropout : bool
        Whether any hidden layer drops units while training.
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
        dropout=None,
        loss_params=None,
        n_candidates=None,
    ):
        # the keywords, kept so that select_candidates can build a smaller stack
        self._options = dict(
            penalty=penalty,
            alpha=alpha,
            l1_ratio=l1_ratio,
            penalty_per_weight_sum=penalty_per_weight_sum,
            weights_per_batch=weights_per_batch,
            fit_intercept=fit_intercept,
            dropout=dropout,
            loss_params=loss_params,
        )
        self._loss_name, self.activation = loss, activation
        self.n_candidates = n_candidates
        self._lead = () if n_candidates is None else (n_candidates,)
        self.layer_units = list(layer_units)
        self.dtype = np.dtype(dtype)
        self._configure(**self._options)
        self._build_layers()

    def _configure(
        self,
        *,
        penalty,
        alpha,
        l1_ratio,
        penalty_per_weight_sum,
        weights_per_batch,
        fit_intercept,
        dropout,
        loss_params,
    ):
        """Check and keep the per-layer settings, the loss and the penalty."""
        n_hidden = len(self.layer_units) - 2
        self.hidden_activations = per_hidden_layer(
            "activation", self.activation, n_hidden
        )
        rates = per_hidden_layer(
            "dropout", 0.0 if dropout is None else dropout, n_hidden
        )
        self.dropout_rates = [*rates, 0.0]
        self.has_dropout = any(rates)
        self.loss = LOSSES[self._loss_name](**(loss_params or {}))
        self.penalty = PENALTIES[penalty]
        self.alpha, self.l1_ratio = alpha, l1_ratio
        self.penalty_per_weight_sum = penalty_per_weight_sum
        self.weights_per_batch = weights_per_batch
        self.fit_intercept = fit_intercept

    def _build_layers(self):
        """The flat parameter and gradient vectors, and the layers viewing them."""
        shapes = _layer_shapes(self.layer_units)
        self.n_coefs = sum(fan_in * fan_out for fan_in, fan_out in shapes)
        n_params = self.n_coefs + sum(fan_out for _, fan_out in shapes)
        self.params = np.zeros((*self._lead, n_params), dtype=self.dtype)
        self.grads = np.zeros((*self._lead, n_params), dtype=self.dtype)
        self.coefs, self.intercepts = _split_views(self.params, self.layer_units)
        coef_grads, intercept_grads = _split_views(self.grads, self.layer_units)
        activations = [ACTIVATIONS[name] for name in self.hidden_activations]
        self.layers = [
            Dense(*views)
            for views in zip(
                self.coefs,
                self.intercepts,
                coef_grads,
                intercept_grads,
                activations + [Identity],
            )
        ]
        self._capacity = 0

    def select_candidates(self, rows):
        """A stacked network holding copies of the candidates ``rows`` only.

        Their parameters and (when it is an array) ``alpha`` are copied; the
        work buffers are new.
        """
        options = dict(self._options, n_candidates=len(rows))
        if isinstance(self.alpha, np.ndarray):
            options["alpha"] = self.alpha[rows]
        network = Network(
            self.layer_units, self.activation, self._loss_name, self.dtype, **options
        )
        network.params[...] = self.params[rows]
        return network

    def initialize(self, rng, initializer="glorot_uniform"):
        """Draw each layer's weights, then biases, with an initializer.

        The initializer is told each layer's activation name. The output layer
        gets ``activation`` when it is one str, as in scikit-learn, and else
        the last hidden layer's name (``'identity'`` without hidden layers).
        Stacked candidates all start from the same draw.
        """
        init = INITIALIZERS[initializer]
        if isinstance(self.activation, str):
            names = [self.activation] * len(self.layers)
        else:
            hidden = self.hidden_activations
            names = hidden + (hidden[-1:] or ["identity"])
        for W, b, name in zip(self.coefs, self.intercepts, names):
            W[...], b[...] = init(*W.shape[-2:], rng, self.dtype, name)
        return self

    def set_weights(self, coefs, intercepts):
        """Copy per-layer weights and biases into the flat parameter vector."""
        for dst, src in zip(
            self.coefs + self.intercepts, list(coefs) + list(intercepts)
        ):
            np.copyto(dst, src, casting="same_kind")
        return self

    def _buffers(self, n_samples):
        """Per-layer work arrays of ``n_samples`` rows, as ``_Buffers``.

        One allocation serves every batch size up to the largest seen; the
        row-sliced views are cached per size (an epoch sees at most two).
        """
        if n_samples > self._capacity:
            self._full_buffers = self._allocate(n_samples)
            self._capacity = n_samples
            self._views = {}
        if n_samples not in self._views:
            self._views[n_samples] = _Buffers(
                *(
                    [None if buf is None else buf[..., :n_samples, :] for buf in group]
                    for group in self._full_buffers
                )
            )
        return self._views[n_samples]

    def _allocate(self, n_samples):
        """``_Buffers`` of ``n_samples`` rows, with arrays only where used."""

        def arrays_where(wanted):
            return [
                np.empty((*self._lead, n_samples, units), self.dtype) if want else None
                for units, want in zip(self.layer_units[1:], wanted)
            ]

        every_layer = [True] * len(self.layers)
        keeps_Z = [layer.activation.needs_preactivation for layer in self.layers]
        drops = [rate > 0 for rate in self.dropout_rates]
        return _Buffers(
            *map(arrays_where, [every_layer, every_layer, keeps_Z, drops, drops])
        )

    def forward(self, X):
        """Outputs of every layer for ``X``; the last one is through the link.

        Nothing is dropped: this is the network used for prediction.
        """
        buffers = self._buffers(X.shape[-2])
        self._forward(X, buffers, dropout_rng=None)
        return buffers.outputs

    def _forward(self, X, buffers, dropout_rng):
        """Fill ``buffers`` for ``X``; return each layer's input and dropout mask.

        A mask is None where nothing was dropped (no ``dropout_rng``, or a
        rate of 0, as for the output layer).
        """
        layer_inputs, masks = [X], []
        for layer, rate, out, Z, mask, dropped in zip(
            self.layers,
            self.dropout_rates,
            buffers.outputs,
            buffers.preactivations,
            buffers.masks,
            buffers.dropped,
        ):
            out = layer.forward(layer_inputs[-1], out, Z)
            dropping = dropout_rng is not None and rate > 0
            if dropping:
                draw_dropout_mask(rate, dropout_rng, mask)
                out = np.multiply(out, mask, out=dropped)  # the next layer's input
            masks.append(mask if dropping else None)
            layer_inputs.append(out)
        self.loss.link(buffers.outputs[-1])
        return layer_inputs[:-1], masks

    def output(self, X):
        """Network output for ``X`` (through the link), in fresh arrays.

        Nothing is dropped and the training buffers are left alone, so it
        serves validation between epochs whatever the size of ``X``.
        """
        hidden = [ACTIVATIONS[name] for name in self.hidden_activations]
        return _output(self.coefs, self.intercepts, hidden, self.loss.link, X)

    def is_finite_on(self, X, chunk_rows=256):
        """Whether the weights, and the outputs for ``X``, are all finite.

        The outputs are computed ``chunk_rows`` rows at a time (about a
        mini-batch, so no more memory than a training step), stopping at the
        first chunk that is not finite.
        """
        if not np.isfinite(self.params).all():
            return False
        with np.errstate(all="ignore"):
            return all(
                np.isfinite(self.output(X[start : start + chunk_rows])).all()
                for start in range(0, X.shape[0], chunk_rows)
            )

    def loss_and_gradient(self, X, Y, sample_weight=None, dropout_rng=None):
        """J(w) on the batch ``(X, Y)``; fills ``self.grads`` with dJ/dw.

        J is the (weighted) mean data loss plus the penalty. Samples with zero
        weight do not count; the caller must not pass a batch whose weights
        sum to zero. With a ``dropout_rng`` (a ``numpy.random.RandomState``),
        each hidden layer with a dropout rate > 0 draws a fresh mask from it
        (see ``draw_dropout_mask``), so equal seeds give equal results;
        without one nothing is dropped.
        """
        n_samples = X.shape[-2]
        if sample_weight is None:
            weight_sum, weights = n_samples, None
        else:
            weight_sum = float(sample_weight.sum())
            weights = sample_weight / (
                weight_sum if self.weights_per_batch else n_samples
            )
        buffers = self._buffers(n_samples)
        layer_inputs, masks = self._forward(X, buffers, dropout_rng)
        loss = self.loss.value_and_raw_gradient(
            Y, buffers.outputs[-1], weights, buffers.deltas[-1]
        )
        self._backward(layer_inputs, masks, buffers)
        if not self.fit_intercept:
            self.grads[..., self.n_coefs :] = 0.0
        return loss + self._add_penalty(weight_sum)

    def _backward(self, layer_inputs, masks, buffers):
        """Fill ``grads`` from the output error in ``buffers.deltas[-1]``.

        Where a layer's output was dropped, its error dJ/d(m A) is first
        multiplied by the same mask ``m`` to give dJ/dA.
        """
        deltas = buffers.deltas
        for i in range(len(self.layers) - 1, -1, -1):
            if masks[i] is not None:
                deltas[i] *= masks[i]
            self.layers[i].backward(
                layer_inputs[i],
                buffers.outputs[i],
                deltas[i],
                None if i == 0 else deltas[i - 1],
                buffers.preactivations[i],
            )

    def _add_penalty(self, weight_sum):
        """Add the penalty's gradient to ``grads``; return the penalty's value."""
        alpha = self.alpha / weight_sum if self.penalty_per_weight_sum else self.alpha
        if self.penalty is PENALTIES[None] or _is_zero(alpha):
            return 0.0
        coefs = self.params[..., : self.n_coefs]
        self.penalty.add_gradient(
            coefs, self.grads[..., : self.n_coefs], alpha, self.l1_ratio
        )
        value = self.penalty.value(coefs, alpha, self.l1_ratio)
        return value.reshape(self._lead) if self._lead else value


def _is_zero(alpha):
    """Whether a penalty strength, a float or one per candidate, is all zero."""
    return not alpha.any() if isinstance(alpha, np.ndarray) else alpha == 0.0


def predict_output(coefs, intercepts, activation, loss, X):
    """Network output for ``X`` from fitted weights, allocating fresh arrays.

    ``activation`` is one key of ``ACTIVATIONS`` for every hidden layer or a
    list with one per hidden layer, as for ``Network``; nothing is dropped.
    Holds no state and writes nothing shared, so concurrent calls on one fitted
    estimator are safe.
    """
    names = per_hidden_layer("activation", activation, len(coefs) - 1)
    hidden = [ACTIVATIONS[name] for name in names]
    return _output(coefs, intercepts, hidden, LOSSES[loss].link, X)


def _output(coefs, intercepts, hidden, link, X):
    """Layer by layer through the ``hidden`` activations, then the ``link``."""
    out = X
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        out = out @ W  # (n_samples, fan_out)
        out += b
        if i < len(hidden):
            hidden[i].forward(out)
    return link(out)
