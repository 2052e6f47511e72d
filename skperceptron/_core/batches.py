"""Mini-batches: how one epoch cuts the data into the batches of gradient steps.

``SampleShuffledBatches`` draws a new order of the samples before every epoch
(the draw scikit-learn's MLP makes) and gathers each batch by fancy indexing,
so memory stays at one batch. ``BlockShuffledBatches`` shuffles the rows once,
into one contiguous copy, then varies each epoch's batches by a random offset
of their boundaries and a random order: no copying per epoch, for models so
small that moving the data costs more than the arithmetic (the perceptron).
With ``rng=None`` both yield the rows in place, in order.
"""

import numpy as np


def _rows(X, Y, sample_weight, rows):
    weights = None if sample_weight is None else sample_weight[rows]
    return X[rows], Y[rows], weights


def shuffled(order, rng):
    """``order`` permuted by ``rng`` (the draw scikit-learn's ``shuffle`` makes).

    The draw does not depend on the index dtype, so int32 indices halve the
    memory of the per-epoch permutation.
    """
    permutation = np.arange(len(order), dtype=order.dtype)
    rng.shuffle(permutation)
    return order[permutation]


class SampleShuffledBatches:
    """A fresh permutation of the samples every epoch, gathered batch by batch.

    Parameters
    ----------
    X, Y, sample_weight : arrays with ``n_samples`` rows (weights may be None)
    batch_size : int
    rng : numpy RandomState or None
        None keeps the rows in order (no shuffling).
    """

    def __init__(self, X, Y, sample_weight, batch_size, rng=None):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size, self.rng = batch_size, rng
        self.n_samples = X.shape[0]
        index_dtype = np.int32 if self.n_samples < 2**31 else np.intp
        self._order = np.arange(self.n_samples, dtype=index_dtype)

    def epoch(self):
        """Yield ``(X_batch, Y_batch, weight_batch)`` for one epoch."""
        if self.rng is not None:
            self._order = shuffled(self._order, self.rng)
        for start in range(0, self.n_samples, self.batch_size):
            stop = min(start + self.batch_size, self.n_samples)
            rows = slice(start, stop) if self.rng is None else self._order[start:stop]
            yield _rows(self.X, self.Y, self.sample_weight, rows)


class BlockShuffledBatches:
    """Rows shuffled once; each epoch shifts the batch boundaries and their order.

    Every batch is a contiguous view of the shuffled copy. An epoch draws an
    offset in ``[0, batch_size)`` (so batches differ from epoch to epoch) and a
    random order of the batches; every sample is still seen once per epoch.
    """

    def __init__(self, X, Y, sample_weight, batch_size, rng=None):
        self.batch_size, self.rng = batch_size, rng
        self.n_samples = X.shape[0]
        if rng is not None:
            rows = rng.permutation(self.n_samples)
            X, Y = X[rows], Y[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
        self.X, self.Y, self.sample_weight = X, Y, sample_weight

    def _blocks(self):
        """``(start, stop)`` of each batch, in this epoch's order."""
        offset = 0
        if self.rng is not None and self.batch_size < self.n_samples:
            offset = self.rng.randint(self.batch_size)
        edges = np.arange(offset, self.n_samples, self.batch_size)
        edges = np.concatenate([[0] if offset else [], edges, [self.n_samples]])
        blocks = np.column_stack([edges[:-1], edges[1:]]).astype(int)
        if self.rng is not None:
            self.rng.shuffle(blocks)
        return blocks

    def epoch(self):
        """Yield ``(X_batch, Y_batch, weight_batch)`` views for one epoch."""
        for start, stop in self._blocks():
            yield _rows(self.X, self.Y, self.sample_weight, slice(start, stop))
