"""Training loops: mini-batch gradient descent over epochs, and full-batch L-BFGS.

``run_minibatch`` reads like the algorithm: shuffle, then for each mini-batch
compute J(w) and its gradient and take an optimizer step; after each epoch
record the loss, check progress and let the schedule move the learning rate.
A loss that turns non-finite stops training at once and puts back the weights
the diverging epoch started from.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize


@dataclass
class TrainingResult:
    """What a training run did, for the estimator to turn into fitted attributes."""

    n_iter: int = 0
    loss: float = np.nan
    loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    n_samples_seen: int = 0
    converged: bool = False
    diverged: bool = False
    interrupted: bool = False
    message: str = ""


def run_epoch(network, optimizer, learning_rate, batches):
    """One pass over ``batches``; return the sample-averaged loss.

    The loss is nan when the pass diverged: a batch loss or the weights left
    by the last step became non-finite.
    """
    total_loss, n_samples = 0.0, 0
    for X_batch, Y_batch, w_batch in batches:
        n_samples += X_batch.shape[0]
        if w_batch is not None and not w_batch.any():
            continue  # a batch of zero-weight samples carries no gradient
        batch_loss = network.loss_and_gradient(X_batch, Y_batch, w_batch)
        if not math.isfinite(batch_loss):
            return np.nan
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
    validation_score=None,
    n_samples_seen=0,
    verbose=False,
):
    """Train ``network`` for at most ``max_iter`` epochs of mini-batch descent.

    ``batches`` cuts each epoch into mini-batches (see ``batches.py``).
    ``validation_score``, when given, is called after each epoch and drives
    ``monitor`` (with a snapshot of the best weights); otherwise the training
    loss does.
    """
    result = TrainingResult(n_samples_seen=n_samples_seen)
    for _ in range(max_iter):
        start_params = network.params.copy()
        try:
            loss = run_epoch(
                network, optimizer, schedule.learning_rate, batches.epoch()
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
        if verbose:
            print(f"Iteration {result.n_iter}, loss = {loss:.8f}")
        _monitor_epoch(network, monitor, loss, validation_score, result, verbose)
        schedule.epoch_end(result.n_samples_seen)
        if monitor.should_stop and not _continue_after_plateau(
            schedule, monitor, result, verbose
        ):
            break
    return result


def _monitor_epoch(network, monitor, loss, validation_score, result, verbose):
    if validation_score is None:
        monitor.update(loss)
        return
    score = validation_score()
    result.validation_scores.append(score)
    if verbose:
        print(f"Validation score: {score:f}")
    monitor.update(score, network.params)


def _continue_after_plateau(schedule, monitor, result, verbose):
    """Ask the schedule whether to go on after a plateau; record why we stop."""
    what = "Training loss" if monitor.sign < 0 else "Validation score"
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
