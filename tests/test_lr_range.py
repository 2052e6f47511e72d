"""The range-test loop, the smoothing and the suggestion rules, on the core alone."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skperceptron._core import (
    OPTIMIZERS,
    SUGGESTIONS,
    Network,
    SampleShuffledBatches,
    exponential_rates,
    run_range_test,
    smooth,
)


def linear_problem(n_samples=64, dtype=np.float64):
    """A linear regression network and its batches of 8 rows, in order."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_samples, 3)).astype(dtype)
    Y = (X @ np.array([[1.0], [-2.0], [0.5]])).astype(dtype)
    network = Network([3, 1], "identity", "squared_error", dtype)
    batches = SampleShuffledBatches(X, Y, None, batch_size=8)
    return network, OPTIMIZERS["sgd"](network.params.size, dtype, momentum=0.0), batches


def test_exponential_rates_grow_by_a_constant_factor():
    rates = exponential_rates(1e-4, 1.0, 5)
    assert_allclose(rates, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])


def test_smooth_is_the_bias_corrected_moving_average():
    losses, beta = np.array([4.0, 2.0, 1.0]), 0.5
    # a_0 = 2, a_1 = 2, a_2 = 1.5; divided by 1 - beta^(k+1)
    assert_allclose(smooth(losses, beta), [4.0, 2.0 / 0.75, 1.5 / 0.875])
    assert_array_equal(smooth(losses, 0.0), losses)


def test_losses_are_taken_before_each_step_at_its_rate():
    network, optimizer, batches = linear_problem()
    rates = exponential_rates(1e-3, 1e-2, 3)
    result = run_range_test(network, optimizer, batches, rates)
    replay, replay_optimizer, replay_batches = linear_problem()
    expected = []
    for rate, (X, Y, _) in zip(rates, replay_batches.epoch()):
        expected.append(replay.loss_and_gradient(X, Y))
        replay_optimizer.step(replay.params, replay.grads, rate)
    assert result.stop_reason == "completed"
    assert_allclose(result.losses, expected)
    assert_array_equal(result.learning_rates, rates)


def test_the_sweep_repeats_epochs_when_it_needs_more_batches():
    network, optimizer, batches = linear_problem(n_samples=16)  # 2 batches
    result = run_range_test(network, optimizer, batches, np.full(7, 1e-3))
    assert len(result.losses) == 7


def test_a_diverging_sweep_stops_cleanly():
    network, optimizer, batches = linear_problem()
    rates = exponential_rates(1e-3, 1e6, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run_range_test(network, optimizer, batches, rates)
    assert result.stop_reason in ("exploded", "diverged")
    assert 0 < len(result.losses) < len(rates)
    assert np.isfinite(result.losses).all()
    assert_array_equal(result.learning_rates, rates[: len(result.losses)])


def test_a_non_finite_loss_is_divergence():
    network, optimizer, batches = linear_problem()
    rates = exponential_rates(1e-3, 1e30, 60)  # overflows float64
    result = run_range_test(network, optimizer, batches, rates, explode_factor=np.inf)
    assert result.stop_reason == "diverged"
    assert "non-finite" in result.message


def test_zero_weight_batches_are_skipped():
    network, _, batches = linear_problem(n_samples=16)
    weights = np.r_[np.zeros(8), np.ones(8)]  # the first batch weighs nothing
    batches = SampleShuffledBatches(batches.X, batches.Y, weights, batch_size=8)
    optimizer = OPTIMIZERS["sgd"](network.params.size, np.float64, momentum=0.0)
    result = run_range_test(network, optimizer, batches, np.full(3, 1e-3))
    assert np.isfinite(result.losses).all() and len(result.losses) == 3


def valley_curve():
    """A loss flat until 1e-3, falling to its lowest at 1e-1, then rising."""
    rates = exponential_rates(1e-6, 10.0, 141)  # 20 rates a decade
    log_rate = np.log10(rates)
    loss = 1.0 - 0.8 / (1 + np.exp(-3 * (log_rate + 2.5)))
    loss += np.where(log_rate > -1, 2.0 * (log_rate + 1) ** 2, 0.0)
    return rates, loss


def test_minimum_rule_is_a_tenth_of_the_lowest_losss_rate():
    rates, loss = valley_curve()
    assert_allclose(SUGGESTIONS["minimum"](rates, loss), 1e-2, rtol=0.05)


def test_steepest_rule_finds_the_middle_of_the_drop():
    rates, loss = valley_curve()
    assert_allclose(SUGGESTIONS["steepest"](rates, loss), 10**-2.5, rtol=0.15)


@pytest.mark.parametrize("rule", sorted(SUGGESTIONS))
def test_rules_return_a_rate_of_the_sweep_range(rule):
    rates, loss = valley_curve()
    assert rates[0] / 10 <= SUGGESTIONS[rule](rates, loss) <= rates[-1]
