"""Mini-batch training of stacked runs, each stopping on its own.

``run_stacked`` is the epoch loop of ``training.run_minibatch`` for several
``TrainingRun`` objects at once, each described exactly as its own fit would
describe it. Their networks sit side by side in one ``Network`` built with
``n_candidates``: one forward and backward pass and one optimizer step per
mini-batch update every run still training, each with its own learning rate.
After an epoch each run keeps its own books (loss curve, monitor, schedule,
epoch budget) with the helpers of ``training``, as its own fit would; one that
stops, or whose loss turned non-finite, leaves the stack, and the others go on
as a smaller stack.
"""

import copy
import time

import numpy as np

from .batches import SampleShuffledBatches
from .network import Network
from .training import (
    TrainingResult,
    _continue_after_plateau,
    _monitor_epoch,
    _record_epoch,
)


def stack_networks(networks):
    """One stacked ``Network`` holding ``networks`` (of one architecture) row by row.

    Each row starts from its network's weights and keeps its own ``alpha``.
    """
    first = networks[0]
    options = dict(
        first._options,
        alpha=np.array([[float(network.alpha)] for network in networks]),
        n_candidates=len(networks),
    )
    stacked = Network(
        first.layer_units, first.activation, first._loss_name, first.dtype, **options
    )
    stacked.params[...] = [network.params for network in networks]
    return stacked


def shared_batches(runs, split_of):
    """The batches a stack of ``runs`` trains on.

    ``split_of[i]`` numbers the split (0, 1, ...) run ``i`` trains on; run 0
    trains on split 0. Runs of one split share its first run's batches. Runs
    of several splits of equal size gather each batch from their own split's
    data, in the order run 0's ``SampleShuffledBatches`` would draw.
    """
    split_of = np.asarray(split_of)
    first = runs[0].batches
    if not split_of.any():
        return first
    data = {}
    for run, split in zip(runs, split_of):
        data.setdefault(split, (run.batches.X, run.batches.Y))
    rows = np.arange(first.n_samples)
    return SplitBatches(
        SampleShuffledBatches(rows, rows, None, first.batch_size, first.rng),
        np.stack([data[split][0] for split in sorted(data)]),
        np.stack([data[split][1] for split in sorted(data)]),
        split_of,
    )


def run_stacked(network, optimizer, runs, batches):
    """Train ``network`` (one row per run) until every run has stopped.

    ``optimizer`` was built for the stack's shape, with hyper-parameters as
    (n_runs, 1) arrays; ``batches`` are shared (see ``shared_batches``). Each
    run ends as ``run_minibatch`` ends it: its own network holds its final
    (or best) weights and its own optimizer the stacked one's state. A run
    whose loss became non-finite keeps the weights the diverging epoch
    started from and its result is marked ``diverged``. Returns each run's
    ``TrainingResult``.
    """
    _check_stackable(runs)
    results = [TrainingResult(n_samples_seen=run.n_samples_seen) for run in runs]
    active = list(range(len(runs)))
    while active:
        start = time.perf_counter()
        rates = np.array([[runs[index].schedule.learning_rate] for index in active])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            losses = _stacked_epoch(network, optimizer, rates, batches.epoch())
        finite = np.isfinite(losses) & np.isfinite(network.params).all(axis=1)
        seconds = (time.perf_counter() - start) / len(active)
        going_on = []
        for row, index in enumerate(active):
            run, result = runs[index], results[index]
            if finite[row]:
                np.copyto(run.network.params, network.params[row])
                if _end_epoch(run, result, losses[row], rates[row, 0], seconds):
                    going_on.append(row)
                    continue
            else:
                result.diverged = True
                result.message = (
                    f"the loss became non-finite in epoch {result.n_iter + 1}"
                )
            _leave(run, optimizer, row)
        if going_on and len(going_on) < len(active):
            network = network.select_candidates(going_on)
            optimizer = _select_rows(optimizer, going_on, len(active))
            if hasattr(batches, "keep"):
                batches.keep(going_on)
        active = [active[row] for row in going_on]
    return results


def _check_stackable(runs):
    """Refuse runs that act per fit outside the stacked loop."""
    for run in runs:
        if run.observer is not None or run.max_grad_norm is not None:
            raise ValueError("Runs with callbacks or gradient clipping do not stack.")
        if run.dropout_rng is not None or run.verbose:
            raise ValueError("Runs with dropout or verbose output do not stack.")


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


def _end_epoch(run, result, loss, learning_rate, seconds):
    """A run's books after a finite epoch, as ``run_minibatch`` keeps them;
    True when it trains on."""
    result.n_iter += 1
    result.loss = float(loss)
    result.loss_curve.append(result.loss)
    result.n_samples_seen += run.batches.n_samples
    record = {"loss": result.loss, "learning_rate": float(learning_rate)}
    record.update(_monitor_epoch(run, result.loss, result))
    record["seconds"] = seconds
    _record_epoch(result, record, run.verbose)
    run.schedule.epoch_end(result.n_samples_seen)
    goes_on = not run.monitor.should_stop or _continue_after_plateau(run, result)
    return goes_on and result.n_iter < run.max_epochs


def _leave(run, optimizer, row):
    """End a run as ``run_minibatch`` ends it; it takes row ``row``'s state."""
    if run.monitor.best_params is not None:
        run.network.params[...] = run.monitor.best_params
    _hand_back_state(optimizer, row, run.optimizer)
    run.optimizer.learning_rate = run.schedule.learning_rate


def _hand_back_state(stacked, row, optimizer):
    """Copy row ``row`` of the ``stacked`` optimizer's state into ``optimizer``.

    Every array ``optimizer`` keeps (moments, velocities) takes that row, and
    its step count, if it keeps one, the shared count.
    """
    for name, value in vars(optimizer).items():
        if isinstance(value, np.ndarray):
            value[...] = getattr(stacked, name)[row]
    if hasattr(optimizer, "t"):
        optimizer.t = stacked.t


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
