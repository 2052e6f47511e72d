"""Training loops: mini-batch gradient descent over epochs, and full-batch L-BFGS.

``run_minibatch`` reads like the algorithm: shuffle, then for each mini-batch
compute J(w) and its gradient and take an optimizer step; after each epoch
record the loss, check progress and let the schedule move the learning rate.
A loss that turns non-finite stops training at once and puts back the weights
the diverging epoch started from. The estimator describes a run once, in a
``TrainingRun``, and hands it down; nothing here calls back into an estimator
except through that description's fields.
"""

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import scipy.optimize

from .clipping import clip_by_global_norm
from .stopping import METRIC_NAMES, NoImprovement


@dataclass
class Validation:
    """Held-out data, scored after every epoch to decide when to stop.

    ``score(output, sample_weight)`` is the estimator's score (accuracy, R^2)
    of the network's ``output`` for ``X`` against the held-out targets; it is
    the one call from the core back into the estimator's world.
    """

    X: object
    Y: np.ndarray
    sample_weight: object
    score: Callable

    def metrics(self, network):
        """The validation score and data loss of ``network`` (one forward pass).

        The loss is the data loss J without the penalty, weighted by
        ``sample_weight``. Huge outputs score nan without NumPy warnings.
        """
        weights = self.sample_weight
        if weights is not None:
            weights = weights / weights.sum()
        with np.errstate(all="ignore"):
            output = network.output(self.X)
            return {
                "validation_loss": float(network.loss.value(self.Y, output, weights)),
                "validation_score": self.score(output, self.sample_weight),
            }


@dataclass
class TrainingRun:
    """Everything one mini-batch training run needs, described once.

    The estimator builds it; ``run_minibatch`` carries it out. ``monitor``
    watches the training loss, or with ``validation`` a validation metric,
    and then keeps the best weights, which the run restores at its end.
    ``observer``, when given, has ``epoch_begin()``, ``epoch_end(network) ->
    bool`` (True stops) and ``training_end()``.
    """

    network: object
    optimizer: object
    schedule: object
    monitor: NoImprovement
    batches: object
    max_epochs: int
    validation: Optional[Validation] = None
    n_samples_seen: int = 0
    max_grad_norm: Optional[float] = None
    dropout_rng: object = None
    observer: object = None
    verbose: bool = False


@dataclass
class TrainingResult:
    """What a training run did, for the estimator to turn into fitted attributes."""

    n_iter: int = 0
    loss: float = np.nan
    loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    validation_losses: list = field(default_factory=list)
    history: dict = field(default_factory=dict)
    n_samples_seen: int = 0
    converged: bool = False
    diverged: bool = False
    interrupted: bool = False
    message: str = ""


def run_epoch(
    network, optimizer, learning_rate, batches, *, max_grad_norm=None, dropout_rng=None
):
    """One pass over ``batches``; return the sample-averaged loss.

    ``max_grad_norm`` clips each batch's gradient to that global norm before
    the step; ``dropout_rng`` draws the network's dropout masks (training mode).
    The loss is nan when the pass diverged: a batch loss or the weights left
    by the last step became non-finite.
    """
    extra = {} if dropout_rng is None else {"dropout_rng": dropout_rng}
    total_loss, n_samples = 0.0, 0
    for X_batch, Y_batch, w_batch in batches:
        n_samples += X_batch.shape[0]
        if w_batch is not None and not w_batch.any():
            continue  # a batch of zero-weight samples carries no gradient
        batch_loss = network.loss_and_gradient(X_batch, Y_batch, w_batch, **extra)
        if not math.isfinite(batch_loss):
            return np.nan
        if max_grad_norm is not None:
            clip_by_global_norm(network.grads, max_grad_norm)
        optimizer.step(network.params, network.grads, learning_rate)
        total_loss += batch_loss * X_batch.shape[0]
    if not np.isfinite(network.params).all():
        return np.nan  # the last step overflowed after a finite loss
    return total_loss / n_samples


def run_minibatch(run):
    """Train ``run.network`` for at most ``run.max_epochs`` epochs of mini-batches.

    After each epoch the loss (or the validation metric) goes to the monitor
    and the schedule moves the learning rate. A non-finite loss stops the run
    at once and puts back the weights the diverging epoch started from; Ctrl-C
    keeps the last completed epoch. With validation, the best epoch's weights
    are restored at the end.
    """
    result = TrainingResult(n_samples_seen=run.n_samples_seen)
    for _ in range(run.max_epochs):
        if not _run_one_epoch(run, result):
            break
    if run.monitor.best_params is not None:
        run.network.params[...] = run.monitor.best_params
    if run.observer is not None:
        run.observer.training_end()
    # the rate of the next step, where scikit-learn's optimizers keep it
    run.optimizer.learning_rate = run.schedule.learning_rate
    return result


def _run_one_epoch(run, result):
    """Train one epoch and record it; return whether training goes on."""
    network = run.network
    start_params, start_time = network.params.copy(), time.perf_counter()
    learning_rate = run.schedule.learning_rate
    if run.observer is not None:
        run.observer.epoch_begin()
    try:
        # overflow is detected as a non-finite loss below: no NumPy warnings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = run_epoch(
                network,
                run.optimizer,
                learning_rate,
                run.batches.epoch(),
                max_grad_norm=run.max_grad_norm,
                dropout_rng=run.dropout_rng,
            )
    except KeyboardInterrupt:  # Ctrl-C: keep the last completed epoch
        network.params[...] = start_params
        result.interrupted = True
        return False
    if not np.isfinite(loss):
        network.params[...] = start_params
        result.diverged = True
        result.message = f"the loss became non-finite in epoch {result.n_iter + 1}"
        return False
    result.n_iter += 1
    result.loss = loss
    result.loss_curve.append(loss)
    result.n_samples_seen += run.batches.n_samples
    record = {"loss": loss, "learning_rate": learning_rate}
    record.update(_monitor_epoch(run, loss, result))
    record["seconds"] = time.perf_counter() - start_time
    _record_epoch(result, record, run.verbose)
    run.schedule.epoch_end(result.n_samples_seen)
    if run.observer is not None and run.observer.epoch_end(network):
        result.message = "a callback asked to stop"
        return False
    return not run.monitor.should_stop or _continue_after_plateau(run, result)


def _record_epoch(result, record, verbose):
    """Append an epoch's record to the history; print it as one line."""
    for key, value in record.items():
        result.history.setdefault(key, []).append(value)
    if verbose:
        cells = [f"Iteration {result.n_iter}, loss = {record['loss']:.8f}"]
        for key in ("validation_loss", "validation_score"):
            if key in record:
                cells.append(f"{key.replace('_', ' ')} = {record[key]:.8f}")
        cells.append(f"learning rate = {record['learning_rate']:.6g}")
        cells.append(f"{record['seconds']:.3f} s")
        print(", ".join(cells))


def _monitor_epoch(run, loss, result):
    """Feed the monitor; return the epoch's validation metrics (maybe none)."""
    if run.validation is None:
        run.monitor.update(loss)
        return {}
    metrics = run.validation.metrics(run.network)
    result.validation_scores.append(metrics["validation_score"])
    result.validation_losses.append(metrics["validation_loss"])
    run.monitor.update(metrics[run.monitor.metric], run.network.params)
    return metrics


def _continue_after_plateau(run, result):
    """Ask the schedule whether to go on after a plateau; record why we stop."""
    monitor = run.monitor
    message = (
        f"{METRIC_NAMES[monitor.metric]} did not improve more than "
        f"tol={monitor.tol:f} for {monitor.n_iter_no_change} consecutive epochs."
    )
    if run.schedule.on_plateau():
        monitor.reset_count()
        if run.verbose:
            print(f"{message} Setting learning rate to {run.schedule.learning_rate:f}")
        return True
    result.converged = True
    result.message = message
    if run.verbose:
        print(f"{message} Stopping.")
    return False


def run_lbfgs(network, X, Y, sample_weight, *, max_iter, max_fun, tol, verbose=False):
    """Minimise J(w) over the whole data set with scipy's L-BFGS-B."""

    def loss_and_gradient(flat_params):
        np.copyto(network.params, flat_params, casting="same_kind")
        loss = network.loss_and_gradient(X, Y, sample_weight)
        return loss, network.grads.astype(np.float64)  # a copy: scipy keeps it

    def report(intermediate_result):
        print(f"L-BFGS iteration, loss = {intermediate_result.fun:.8f}")

    solution = scipy.optimize.minimize(
        loss_and_gradient,
        network.params.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=report if verbose else None,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    np.copyto(network.params, solution.x, casting="same_kind")
    return TrainingResult(
        n_iter=min(int(solution.nit), max_iter),
        loss=float(solution.fun),
        converged=solution.status == 0,
        diverged=not np.isfinite(solution.fun),
        message=f"L-BFGS ended with loss {solution.fun} ({solution.message})",
    )
