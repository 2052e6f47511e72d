"""Training loops: mini-batch gradient descent over epochs, and full-batch L-BFGS.

``run_minibatch`` reads like the algorithm: shuffle, then for each mini-batch
compute J(w) and its gradient and take an optimizer step; after each epoch
record the loss, check progress and let the schedule move the learning rate.
A loss that turns non-finite stops training at once and puts back the weights
the diverging epoch started from.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from .clipping import clip_by_global_norm


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


def run_minibatch(
    network,
    optimizer,
    schedule,
    monitor,
    batches,
    *,
    max_iter,
    validation=None,
    monitored="validation_score",
    n_samples_seen=0,
    verbose=False,
    max_grad_norm=None,
    dropout_rng=None,
    observer=None,
):
    """Train ``network`` for at most ``max_iter`` epochs of mini-batch descent.

    ``batches`` cuts each epoch into mini-batches (see ``batches.py``).
    ``validation``, when given, is called after each epoch and returns a dict
    with the ``"validation_score"`` and ``"validation_loss"`` of the held-out
    data; the ``monitored`` one drives ``monitor`` (with a snapshot of the
    best weights). Otherwise the training loss does. ``observer``, when given,
    has ``epoch_begin()``, ``epoch_end(network) -> bool`` (True stops) and
    ``training_end()``.
    """
    result = TrainingResult(n_samples_seen=n_samples_seen)
    for _ in range(max_iter):
        start_params, start_time = network.params.copy(), time.perf_counter()
        learning_rate = schedule.learning_rate
        if observer is not None:
            observer.epoch_begin()
        try:
            # overflow is detected as a non-finite loss below: no NumPy warnings
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss = run_epoch(
                    network,
                    optimizer,
                    learning_rate,
                    batches.epoch(),
                    max_grad_norm=max_grad_norm,
                    dropout_rng=dropout_rng,
                )
        except KeyboardInterrupt:  # Ctrl-C: keep the last completed epoch
            network.params[...] = start_params
            result.interrupted = True
            break
        if not np.isfinite(loss):
            network.params[...] = start_params
            result.diverged = True
            result.message = f"the loss became non-finite in epoch {result.n_iter + 1}"
            break
        result.n_iter += 1
        result.loss = loss
        result.loss_curve.append(loss)
        result.n_samples_seen += batches.n_samples
        record = {"loss": loss, "learning_rate": learning_rate}
        record.update(
            _monitor_epoch(network, monitor, loss, validation, monitored, result)
        )
        record["seconds"] = time.perf_counter() - start_time
        _record_epoch(result, record, verbose)
        schedule.epoch_end(result.n_samples_seen)
        stop_requested = observer is not None and observer.epoch_end(network)
        if stop_requested:
            result.message = "a callback asked to stop"
            break
        if monitor.should_stop and not _continue_after_plateau(
            schedule, monitor, result, verbose, validation, monitored
        ):
            break
    if observer is not None:
        observer.training_end()
    # the rate of the next step, where scikit-learn's optimizers keep it
    optimizer.learning_rate = schedule.learning_rate
    return result


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


def _monitor_epoch(network, monitor, loss, validation, monitored, result):
    """Feed the monitor; return the epoch's validation metrics (maybe none)."""
    if validation is None:
        monitor.update(loss)
        return {}
    metrics = validation()
    result.validation_scores.append(metrics["validation_score"])
    result.validation_losses.append(metrics["validation_loss"])
    monitor.update(metrics[monitored], network.params)
    return metrics


_MONITORED_NAMES = {
    "loss": "Training loss",
    "validation_score": "Validation score",
    "validation_loss": "Validation loss",
}


def _continue_after_plateau(schedule, monitor, result, verbose, validation, monitored):
    """Ask the schedule whether to go on after a plateau; record why we stop."""
    what = _MONITORED_NAMES["loss" if validation is None else monitored]
    message = (
        f"{what} did not improve more than tol={monitor.tol:f} for "
        f"{monitor.n_iter_no_change} consecutive epochs."
    )
    if schedule.on_plateau():
        monitor.reset_count()
        if verbose:
            print(f"{message} Setting learning rate to {schedule.learning_rate:f}")
        return True
    result.converged = True
    result.message = message
    if verbose:
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
