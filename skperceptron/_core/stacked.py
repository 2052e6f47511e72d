"""Mini-batch training of stacked candidates, each stopping on its own.

``run_stacked`` is the epoch loop of ``training.run_minibatch`` for a
``Network`` built with ``n_candidates``: one forward and backward pass and one
optimizer step per mini-batch update every candidate still training, each with
its own learning rate. After an epoch each candidate keeps its own books (loss
curve, monitor, schedule, epoch budget) exactly as a fit of its own would; one
that stops, or whose loss turned non-finite, leaves the stack, and the others
go on as a smaller stack.
"""

import copy
import time
from dataclasses import dataclass, field

import numpy as np

from .training import (
    TrainingResult,
    _continue_after_plateau,
    _monitor_epoch,
    _record_epoch,
)


@dataclass
class Candidate:
    """One member of a stack: its own schedule, monitor and epoch budget.

    ``params`` is a flat vector of the member's own (its final weights are
    written there). ``validation``, when given, scores the weights held in
    ``params`` and returns ``"validation_score"`` and ``"validation_loss"``;
    ``monitored`` names the one that drives ``monitor``.
    """

    schedule: object
    monitor: object
    max_iter: int
    params: np.ndarray
    validation: object = None
    monitored: str = "validation_score"
    result: TrainingResult = field(default_factory=TrainingResult)


def run_stacked(network, optimizer, candidates, batches):
    """Train ``network`` (stacked, one row per candidate) until all have stopped.

    ``optimizer`` was built for the stack's shape, with hyper-parameters as
    (n_candidates, 1) arrays. Each candidate's ``result`` is filled; a
    candidate whose loss became non-finite is marked ``diverged`` and its
    ``params`` are left as they were.
    """
    active = list(candidates)
    while active:
        start = time.perf_counter()
        rates = np.array([[member.schedule.learning_rate] for member in active])
        with np.errstate(over="ignore", invalid="ignore"):
            losses = _stacked_epoch(network, optimizer, rates, batches.epoch())
        finite = np.isfinite(losses) & np.isfinite(network.params).all(axis=1)
        seconds = (time.perf_counter() - start) / len(active)
        going_on = []
        for row, member in enumerate(active):
            if not finite[row]:
                member.result.diverged = True
                continue
            if _end_epoch(
                member,
                network.params[row],
                losses[row],
                rates[row, 0],
                seconds,
                batches.n_samples,
            ):
                going_on.append(row)
        if len(going_on) < len(active) and going_on:
            network = network.select_candidates(going_on)
            optimizer = _select_rows(optimizer, going_on, len(active))
            if hasattr(batches, "keep"):
                batches.keep(going_on)
        active = [active[row] for row in going_on]
    return candidates


def _stacked_epoch(network, optimizer, rates, batches):
    """One pass over ``batches``; each candidate's sample-averaged loss."""
    total_loss, n_samples = 0.0, 0
    for X_batch, Y_batch, w_batch in batches:
        n_samples += X_batch.shape[-2]
        if w_batch is not None and not w_batch.any():
            continue  # a batch of zero-weight samples carries no gradient
        batch_loss = network.loss_and_gradient(X_batch, Y_batch, w_batch)
        optimizer.step(network.params, network.grads, rates)
        total_loss = total_loss + batch_loss * X_batch.shape[-2]  # (n_candidates,)
    return total_loss / n_samples


def _end_epoch(member, params, loss, learning_rate, seconds, n_samples):
    """A candidate's books after an epoch; True when it trains on."""
    if member.validation is not None:
        np.copyto(member.params, params)  # what its validation scores
    result = member.result
    result.n_iter += 1
    result.loss = float(loss)
    result.loss_curve.append(result.loss)
    result.n_samples_seen += n_samples
    record = {"loss": result.loss, "learning_rate": float(learning_rate)}
    record.update(
        _monitor_epoch(
            member,
            member.monitor,
            result.loss,
            member.validation,
            member.monitored,
            result,
        )
    )
    record["seconds"] = seconds
    _record_epoch(result, record, verbose=False)
    member.schedule.epoch_end(result.n_samples_seen)
    goes_on = result.n_iter < member.max_iter and not (
        member.monitor.should_stop
        and not _continue_after_plateau(
            member.schedule,
            member.monitor,
            result,
            False,
            member.validation,
            member.monitored,
        )
    )
    if not goes_on:
        np.copyto(member.params, params)
    return goes_on


class SplitBatches:
    """Mini-batches of candidates trained on different data of the same size.

    Parameters
    ----------
    row_batches : batches object
        Batches over row numbers (its ``epoch()`` yields ``(rows, _, _)``),
        which fixes the order of the rows as a single fit would draw it.
    X, Y : ndarray of shape (n_splits, n_samples, n_features / n_outputs)
        Each split's training data.
    split_of : ndarray of shape (n_candidates,)
        The split each candidate trains on.
    """

    def __init__(self, row_batches, X, Y, split_of):
        self.row_batches, self.X, self.Y = row_batches, X, Y
        self.split_of = split_of[:, np.newaxis]  # (n_candidates, 1)
        self.n_samples = row_batches.n_samples

    def keep(self, rows):
        """Go on with the candidates ``rows`` only."""
        self.split_of = self.split_of[rows]

    def epoch(self):
        """Yield ``(X_batch, Y_batch, None)`` with a leading candidate axis."""
        for rows, _, _ in self.row_batches.epoch():
            rows = rows[np.newaxis, :]  # (1, batch_size)
            yield self.X[self.split_of, rows], self.Y[self.split_of, rows], None


def _select_rows(optimizer, rows, n_candidates):
    """A copy of ``optimizer`` keeping the state of the candidates ``rows``.

    Every array attribute with one row per candidate (moments, velocities,
    per-candidate hyper-parameters) is cut down; shared values stay.
    """
    selected = copy.copy(optimizer)
    for name, value in vars(optimizer).items():
        if isinstance(value, np.ndarray) and value.shape[:1] == (n_candidates,):
            setattr(selected, name, value[rows])
    return selected
