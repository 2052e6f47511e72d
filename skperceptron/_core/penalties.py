"""Weight penalties added to the data loss: value and gradient.

A penalty acts on the weight part of the flat parameter vector only (biases
are never penalised). ``alpha`` is the strength and ``l1_ratio`` mixes L1 into
L2 for the elastic net. Values follow the scikit-learn conventions:
``0.5 * alpha * ||w||_2^2`` for L2 and ``alpha * ||w||_1`` for L1.
Stacked candidates pass ``coefs`` of shape (n_candidates, n_coefs) and
``alpha`` of shape (n_candidates, 1), and get one value per candidate, of
shape (n_candidates, 1).
"""

import numpy as np


def _sum_of_squares(coefs):
    """``sum(w ** 2)``, one per row of stacked ``coefs``, without a temporary."""
    if coefs.ndim == 1:
        return float(np.dot(coefs, coefs))
    return np.einsum("ij,ij->i", coefs, coefs)[:, np.newaxis]


def _sum_of_magnitudes(coefs):
    """``sum(|w|)``, one per row of stacked ``coefs``."""
    if coefs.ndim == 1:
        return float(np.abs(coefs).sum())
    return np.abs(coefs).sum(axis=-1, keepdims=True)


class NoPenalty:
    """No regularisation."""

    @staticmethod
    def value(coefs, alpha, l1_ratio=0.0):
        return 0.0

    @staticmethod
    def add_gradient(coefs, coef_grads, alpha, l1_ratio=0.0):
        return coef_grads


class L2:
    """Ridge: ``0.5 * alpha * sum(w ** 2)``, gradient ``alpha * w``."""

    @staticmethod
    def value(coefs, alpha, l1_ratio=0.0):
        return 0.5 * alpha * _sum_of_squares(coefs)

    @staticmethod
    def add_gradient(coefs, coef_grads, alpha, l1_ratio=0.0):
        coef_grads += alpha * coefs
        return coef_grads


class L1:
    """Lasso: ``alpha * sum(|w|)``, sub-gradient ``alpha * sign(w)``."""

    @staticmethod
    def value(coefs, alpha, l1_ratio=1.0):
        return alpha * _sum_of_magnitudes(coefs)

    @staticmethod
    def add_gradient(coefs, coef_grads, alpha, l1_ratio=1.0):
        coef_grads += alpha * np.sign(coefs)
        return coef_grads


class ElasticNet:
    """``l1_ratio`` of L1 plus ``1 - l1_ratio`` of L2, both scaled by ``alpha``."""

    @staticmethod
    def value(coefs, alpha, l1_ratio=0.15):
        l1 = L1.value(coefs, alpha * l1_ratio)
        return l1 + L2.value(coefs, alpha * (1.0 - l1_ratio))

    @staticmethod
    def add_gradient(coefs, coef_grads, alpha, l1_ratio=0.15):
        L1.add_gradient(coefs, coef_grads, alpha * l1_ratio)
        return L2.add_gradient(coefs, coef_grads, alpha * (1.0 - l1_ratio))


PENALTIES = {
    None: NoPenalty,
    "l2": L2,
    "l1": L1,
    "elasticnet": ElasticNet,
}
