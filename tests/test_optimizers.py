"""Optimizers: one and two steps against the closed-form updates."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skperceptron._core import OPTIMIZERS

START = np.array([1.0, -2.0, 0.5, 0.0])
FIRST_GRADS = np.array([0.3, -0.1, 2.0, -4.0])
SECOND_GRADS = np.array([-0.2, 0.4, 1.0, 0.5])
LEARNING_RATE = 0.1


def two_steps(optimizer):
    """Parameters after each of two steps from ``START``, taken in place."""
    params = START.copy()
    optimizer.step(params, FIRST_GRADS, LEARNING_RATE)
    after_first = params.copy()
    optimizer.step(params, SECOND_GRADS, LEARNING_RATE)
    return after_first, params


def test_sgd_without_momentum_is_plain_gradient_descent():
    optimizer = OPTIMIZERS["sgd"](4, np.float64, momentum=0.0, nesterovs_momentum=False)
    after_first, after_second = two_steps(optimizer)
    assert_allclose(after_first, START - LEARNING_RATE * FIRST_GRADS)
    assert_allclose(after_second, START - LEARNING_RATE * (FIRST_GRADS + SECOND_GRADS))


def test_sgd_classical_momentum():
    momentum = 0.9
    optimizer = OPTIMIZERS["sgd"](
        4, np.float64, momentum=momentum, nesterovs_momentum=False
    )
    after_first, after_second = two_steps(optimizer)
    first_velocity = -LEARNING_RATE * FIRST_GRADS
    second_velocity = momentum * first_velocity - LEARNING_RATE * SECOND_GRADS
    assert_allclose(after_first, START + first_velocity)
    assert_allclose(after_second, START + first_velocity + second_velocity)
    assert_allclose(optimizer.velocity, second_velocity)


def test_sgd_nesterov_momentum_looks_ahead():
    momentum = 0.9
    optimizer = OPTIMIZERS["sgd"](
        4, np.float64, momentum=momentum, nesterovs_momentum=True
    )
    after_first, after_second = two_steps(optimizer)
    first_velocity = -LEARNING_RATE * FIRST_GRADS
    second_velocity = momentum * first_velocity - LEARNING_RATE * SECOND_GRADS
    expected_first = START + momentum * first_velocity - LEARNING_RATE * FIRST_GRADS
    expected_second = (
        expected_first + momentum * second_velocity - LEARNING_RATE * SECOND_GRADS
    )
    assert_allclose(after_first, expected_first)
    assert_allclose(after_second, expected_second)


def adam_reference(grads_sequence, beta_1, beta_2, epsilon):
    """Adam written out step by step with explicit bias-corrected moments."""
    params = START.copy()
    first, second = np.zeros(4), np.zeros(4)
    history = []
    for t, grads in enumerate(grads_sequence, start=1):
        first = beta_1 * first + (1 - beta_1) * grads
        second = beta_2 * second + (1 - beta_2) * grads**2
        first_hat = first / (1 - beta_1**t)
        second_hat = second / (1 - beta_2**t)
        # epsilon sits on the uncorrected sqrt(v), as in scikit-learn
        corrected_epsilon = epsilon / np.sqrt(1 - beta_2**t)
        params = params - LEARNING_RATE * first_hat / (
            np.sqrt(second_hat) + corrected_epsilon
        )
        history.append(params)
    return history


@pytest.mark.parametrize("epsilon", [1e-8, 0.5])
def test_adam_two_steps_with_bias_correction(epsilon):
    beta_1, beta_2 = 0.9, 0.999
    optimizer = OPTIMIZERS["adam"](
        4, np.float64, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon
    )
    after_first, after_second = two_steps(optimizer)
    expected = adam_reference([FIRST_GRADS, SECOND_GRADS], beta_1, beta_2, epsilon)
    assert_allclose(after_first, expected[0], rtol=1e-12)
    assert_allclose(after_second, expected[1], rtol=1e-12)
    assert optimizer.t == 2


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    # With bias correction, m_hat / sqrt(v_hat) = g / |g| on the first step.
    optimizer = OPTIMIZERS["adam"](4, np.float64, epsilon=1e-12)
    params = START.copy()
    optimizer.step(params, FIRST_GRADS, LEARNING_RATE)
    assert_allclose(START - params, LEARNING_RATE * np.sign(FIRST_GRADS), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_step_updates_params_in_place_and_leaves_grads(name):
    optimizer = OPTIMIZERS[name](4, np.float64)
    params, grads = START.copy(), FIRST_GRADS.copy()
    optimizer.step(params, grads, LEARNING_RATE)
    assert not np.allclose(params, START)
    assert_allclose(grads, FIRST_GRADS, rtol=0)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_stays_float32(name):
    optimizer = OPTIMIZERS[name](4, np.float32)
    params = START.astype(np.float32)
    for _ in range(3):
        optimizer.step(params, FIRST_GRADS.astype(np.float32), LEARNING_RATE)
    state = [
        value for value in vars(optimizer).values() if isinstance(value, np.ndarray)
    ]
    assert params.dtype == np.float32
    assert state and all(array.dtype == np.float32 for array in state)
    reference = OPTIMIZERS[name](4, np.float64)
    params64 = START.copy()
    for _ in range(3):
        reference.step(params64, FIRST_GRADS, LEARNING_RATE)
    assert_allclose(params, params64, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_default_optimizer_minimises_a_quadratic(name):
    # J(w) = 0.5 * ||w - target||^2, gradient w - target
    target = np.array([3.0, -1.0, 0.5, 2.0])
    optimizer = OPTIMIZERS[name](4, np.float64)
    params = START.copy()
    for _ in range(500):
        optimizer.step(params, params - target, 0.05)
    assert_allclose(params, target, atol=1e-2)
