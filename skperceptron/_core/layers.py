"""Dense layer ``A = f(X @ W + b)``, forward and backward, and inverted dropout.

Every array may carry a leading axis of stacked candidates (networks of one
shape trained side by side): ``W`` of shape (n_candidates, fan_in, fan_out)
and per-layer arrays (n_candidates, n_samples, n_units); a layer's input may
be one plain (n_samples, fan_in) batch shared by every candidate. A layer
owns no memory of its own: ``W``, ``b`` and their gradients are views
into the network's flat parameter and gradient vectors, and the arrays it reads
and writes are buffers handed in by the network. ``backward`` fills the
gradients and returns the error for the layer below; it never changes ``W``
or ``b`` (only an optimizer step does). Dropout is a mask the network draws
per batch and multiplies into a hidden layer's output and, on the way back,
into its error.
"""

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=16)
def _ones(n_samples, dtype):
    """A read-only vector of ones: ``ones @ delta`` sums rows as one BLAS call."""
    ones = np.ones(n_samples, dtype=dtype)
    ones.flags.writeable = False
    return ones


class Dense:
    """Fully connected layer followed by an element-wise activation.

    Parameters
    ----------
    W, b : ndarray of shape (fan_in, fan_out) and (fan_out,)
        Views of the network's parameters.
    W_grad, b_grad : ndarray, same shapes as ``W`` and ``b``
        Views of the network's gradient vector.
    activation : class from ``ACTIVATIONS``
        The non-linearity ``f`` applied after the affine map.
    """

    def __init__(self, W, b, W_grad, b_grad, activation):
        self.W, self.b = W, b
        self.W_grad, self.b_grad = W_grad, b_grad
        self.activation = activation
        # stacked candidates: W (n_candidates, fan_in, fan_out), b broadcast
        # over each candidate's rows as (n_candidates, 1, fan_out)
        self._W_T = _matrix_transpose(W)
        self._b_rows = b if b.ndim == 1 else b[:, np.newaxis, :]

    def forward(self, X, out, Z=None):
        """Write ``f(X @ W + b)`` into ``out`` (n_samples, fan_out) and return it.

        When a buffer ``Z`` of the same shape is given, the pre-activations
        ``X @ W + b`` are kept there for ``backward``; the network gives one
        only to layers whose activation ``needs_preactivation``.
        """
        affine = out if Z is None else Z
        if isinstance(X, np.ndarray):
            np.matmul(X, self.W, out=affine)
        else:  # a scipy sparse matrix
            affine[...] = X @ self.W
        affine += self._b_rows
        if Z is not None:
            np.copyto(out, Z)
        return self.activation.forward(out)

    def backward(self, X, A, delta, X_delta=None, Z=None):
        """Back-propagate through the layer.

        ``delta`` holds dJ/dA on entry and is turned into dJ/dZ in place. The
        weight and bias gradients are written, and dJ/dX is written into
        ``X_delta`` when one is given (the first layer needs none). ``Z`` is
        the buffer ``forward`` filled, needed by activations whose
        ``needs_preactivation`` is set.
        """
        delta = self.activation.derivative(A, delta, Z)  # (n_samples, fan_out)
        if isinstance(X, np.ndarray):
            np.matmul(_matrix_transpose(X), delta, out=self.W_grad)
        else:  # a scipy sparse matrix
            self.W_grad[...] = X.T @ delta
        np.matmul(_ones(delta.shape[-2], delta.dtype), delta, out=self.b_grad)
        if X_delta is None:
            return None
        if delta.shape[-1] == 1:  # an outer product: broadcasting beats a k=1 GEMM
            return np.multiply(delta, self._W_T, out=X_delta)
        return np.matmul(delta, self._W_T, out=X_delta)


def _matrix_transpose(A):
    """``A.T`` of a matrix; the last two axes swapped in a stack of matrices."""
    return A.T if A.ndim == 2 else np.swapaxes(A, -1, -2)


def draw_dropout_mask(rate, rng, mask):
    r"""Fill ``mask`` (n_samples, n_units) with an inverted-dropout keep-mask.

    Each entry is kept with probability ``1 - rate``, independently, from
    ``rng.random_sample``. Kept entries hold ``1 / (1 - rate)`` and dropped
    ones 0, so multiplying a layer's output ``a`` by the mask ``m`` leaves its
    expected value unchanged (with ``p = rate``):

    .. math:: E[m a] = (1 - p) \frac{a}{1 - p} + p \cdot 0 = a.

    The same mask multiplies the error dJ/d(m a) on the way back, giving dJ/da.
    """
    np.greater_equal(rng.random_sample(mask.shape), rate, out=mask)
    mask *= 1 / (1 - rate)
    return mask
