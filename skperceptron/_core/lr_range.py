"""The learning-rate range test: one short run while the rate grows, and its reading.

``run_range_test`` takes one optimizer step per mini-batch, the k-th at the
k-th rate of an increasing sequence (``exponential_rates``), and records each
batch's loss, until the rates run out or the loss blows up (Smith, 2017).
``smooth`` averages the noisy batch losses; each entry of ``SUGGESTIONS``
reads a good rate off the smoothed curve, or says why it cannot.
"""

import math
from dataclasses import dataclass

import numpy as np

from .clipping import clip_by_global_norm


@dataclass
class RangeTestResult:
    """The rates tried, each batch's loss before its step, and why the test ended."""

    learning_rates: np.ndarray
    losses: np.ndarray
    stop_reason: str  # "completed", "diverged" or "exploded"
    message: str


def exponential_rates(min_lr, max_lr, n_steps):
    """``n_steps`` rates growing by a constant factor from ``min_lr`` to ``max_lr``."""
    return np.geomspace(min_lr, max_lr, num=n_steps)


def _endless_batches(batches):
    """Batches of epoch after epoch; zero-weight batches (no gradient) skipped."""
    while True:
        for X_batch, Y_batch, w_batch in batches.epoch():
            if w_batch is None or w_batch.any():
                yield X_batch, Y_batch, w_batch


def run_range_test(
    network,
    optimizer,
    batches,
    learning_rates,
    *,
    explode_factor=4.0,
    smoothing=0.98,
    max_grad_norm=None,
    dropout_rng=None,
):
    """Step once per batch at each rate in turn; stop when the loss blows up.

    ``losses[k]`` is the loss of batch k at the weights before the step at
    ``learning_rates[k]``. The test ends early, keeping the losses recorded so
    far, when a loss or the weights become non-finite ("diverged"), or when
    the smoothed loss (see ``smooth``) exceeds ``explode_factor`` times its
    lowest value ("exploded"). ``network`` and ``optimizer`` are changed: run
    it on copies meant to be thrown away.
    """
    extra = {} if dropout_rng is None else {"dropout_rng": dropout_rng}
    losses, tracker = [], _SmoothedMinimum(smoothing)
    stop_reason, message = "completed", f"all {len(learning_rates)} rates were tried"
    batch_stream = _endless_batches(batches)
    with np.errstate(all="ignore"):  # blow-ups are detected, not warned about
        for learning_rate in learning_rates:
            X_batch, Y_batch, w_batch = next(batch_stream)
            loss = network.loss_and_gradient(X_batch, Y_batch, w_batch, **extra)
            if not math.isfinite(loss):
                stop_reason = "diverged"
                message = f"the loss became non-finite at rate {learning_rate:.3g}"
                break
            losses.append(loss)
            if tracker.update(loss) > explode_factor * tracker.lowest:
                stop_reason = "exploded"
                message = (
                    f"the smoothed loss exceeded {explode_factor:g} times its "
                    f"lowest value at rate {learning_rate:.3g}"
                )
                break
            if max_grad_norm is not None:
                clip_by_global_norm(network.grads, max_grad_norm)
            optimizer.step(network.params, network.grads, learning_rate)
    rates = np.asarray(learning_rates[: len(losses)], dtype=float)
    return RangeTestResult(rates, np.asarray(losses, dtype=float), stop_reason, message)


class _SmoothedMinimum:
    """Running bias-corrected average of the losses and its lowest value so far."""

    def __init__(self, smoothing):
        self.smoothing, self.average, self.n_seen = smoothing, 0.0, 0
        self.lowest = math.inf

    def update(self, loss):
        """Add ``loss``; return the smoothed value (as ``smooth`` computes it)."""
        self.n_seen += 1
        self.average = self.smoothing * self.average + (1 - self.smoothing) * loss
        value = self.average / (1 - self.smoothing**self.n_seen)
        self.lowest = min(self.lowest, value)
        return value


def smooth(losses, smoothing=0.98):
    """Bias-corrected exponential moving average of ``losses``.

    .. math::
        a_k = \\beta a_{k-1} + (1 - \\beta) \\ell_k, \\quad a_{-1} = 0, \\qquad
        s_k = \\frac{a_k}{1 - \\beta^{k+1}}

    The correction makes :math:`s_k` a weighted mean of the losses so far
    (weights :math:`\\propto \\beta^{k-j}`), so it starts at :math:`\\ell_0`.
    """
    tracker, smoothed = _SmoothedMinimum(smoothing), np.empty(len(losses))
    for k, loss in enumerate(losses):
        smoothed[k] = tracker.update(loss)
    return smoothed


def _descent(learning_rates, smoothed):
    """Log-rates and smoothed losses up to the lowest smoothed loss (the descent)."""
    stop = int(np.argmin(smoothed)) + 1
    return np.log(learning_rates[:stop]), smoothed[:stop]


def minimum_rate(learning_rates, smoothed):
    """A tenth of the rate at the lowest smoothed loss.

    .. math:: \\eta^* = \\frac{1}{10} \\, \\eta_{m}, \\qquad
              m = \\arg\\min_k s_k

    At :math:`\\eta_m` the loss stops falling: the rate is about to be too
    large for the steps to make progress, so a full fit backs off from it.
    """
    return float(learning_rates[np.argmin(smoothed)] / 10)


def steepest_rate(learning_rates, smoothed, skip=10):
    """The rate where the smoothed loss falls fastest against log(rate).

    .. math:: \\eta^* = \\eta_j, \\qquad
              j = \\arg\\min_{skip \\le k \\le m} \\frac{d s_k}{d \\log \\eta_k}

    with :math:`m` the index of the lowest smoothed loss. The first ``skip``
    rates are left out: there the average holds few losses and its noise
    reads as slope.
    """
    log_rates, descent = _descent(learning_rates, smoothed)
    if len(descent) < skip + 3:
        return float(learning_rates[np.argmin(smoothed)])
    slopes = np.gradient(descent, log_rates)[skip:]
    return float(np.exp(log_rates[skip + np.argmin(slopes)]))


SUGGESTIONS = {
    "minimum": minimum_rate,
    "steepest": steepest_rate,
}
