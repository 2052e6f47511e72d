"""Gradient clipping: cap the length of a gradient before the optimizer steps.

A deep or badly scaled network can produce an *exploding gradient*: one
mini-batch whose gradient is orders of magnitude longer than usual, so that a
single step of size ``learning_rate * g`` throws the weights far past the
region where the gradient was measured, and the loss jumps or overflows.
Clipping by the global norm rescales the whole flat gradient vector when its
Euclidean length exceeds a limit :math:`c`,

.. math::
    g \\leftarrow g \\cdot \\min\\left(1, \\frac{c}{\\lVert g \\rVert_2}\\right),

which keeps the direction of descent and only shortens the step.
"""

import math

import numpy as np


def clip_by_global_norm(grads, max_norm):
    """Scale ``grads`` in place so that its L2 norm is at most ``max_norm``.

    Parameters
    ----------
    grads : ndarray of shape (n_params,)
        The flat gradient vector; rescaled in place, dtype kept.
    max_norm : float
        The largest L2 norm allowed, positive.

    Returns
    -------
    norm : float
        :math:`\\lVert g \\rVert_2` before clipping.

    Examples
    --------
    >>> import numpy as np
    >>> grads = np.array([3.0, 4.0])
    >>> clip_by_global_norm(grads, 1.0)
    5.0
    >>> grads
    array([0.6, 0.8])
    """
    norm = _l2_norm(grads)
    if norm > max_norm:
        grads *= max_norm / norm
    return norm


def _l2_norm(vector):
    """:math:`\\lVert x \\rVert_2`, in one pass unless ``x @ x`` overflows.

    An exploding float32 gradient overflows its squared norm from entries near
    1e19; the rare fallback divides by the largest entry first. A vector with
    an inf or nan entry has a nan norm, which clips nothing.
    """
    with np.errstate(over="ignore"):  # handled below
        squared_norm = float(np.dot(vector, vector))
    if math.isfinite(squared_norm):
        return math.sqrt(squared_norm)
    largest = float(np.max(np.abs(vector)))
    if not math.isfinite(largest):
        return math.nan
    scaled = vector / largest  # (n_params,), entries in [-1, 1]
    return largest * math.sqrt(float(np.dot(scaled, scaled)))
