"""Optimizers: one and two steps against the closed-form updates."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

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


def adam_steps(grads_sequence, beta_1, beta_2, epsilon):
    """Adam's steps written out with explicit bias-corrected moments."""
    first, second = np.zeros(4), np.zeros(4)
    steps = []
    for t, grads in enumerate(grads_sequence, start=1):
        first = beta_1 * first + (1 - beta_1) * grads
        second = beta_2 * second + (1 - beta_2) * grads**2
        first_hat = first / (1 - beta_1**t)
        second_hat = second / (1 - beta_2**t)
        # epsilon sits on the uncorrected sqrt(v), as in scikit-learn
        corrected_epsilon = epsilon / np.sqrt(1 - beta_2**t)
        steps.append(
            LEARNING_RATE * first_hat / (np.sqrt(second_hat) + corrected_epsilon)
        )
    return steps


def adam_reference(grads_sequence, beta_1, beta_2, epsilon):
    """Parameters after each Adam step from ``START``."""
    steps = adam_steps(grads_sequence, beta_1, beta_2, epsilon)
    return list(START - np.cumsum(steps, axis=0))


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


@pytest.mark.parametrize(
    ("n_decayed", "decay_mask"),
    [(None, [1, 1, 1, 1]), (2, [1, 1, 0, 0]), (0, [0, 0, 0, 0])],
)
def test_adamw_two_steps_decay_then_adam(n_decayed, decay_mask):
    # w <- w - lr * weight_decay * w (decayed entries only) - Adam's step
    weight_decay, mask = 0.5, np.array(decay_mask)
    optimizer = OPTIMIZERS["adamw"](
        4, np.float64, weight_decay=weight_decay, n_decayed=n_decayed
    )
    after_first, after_second = two_steps(optimizer)
    first_step, second_step = adam_steps([FIRST_GRADS, SECOND_GRADS], 0.9, 0.999, 1e-8)
    shrink = 1 - LEARNING_RATE * weight_decay * mask
    expected_first = START * shrink - first_step
    expected_second = expected_first * shrink - second_step
    assert_allclose(after_first, expected_first, rtol=1e-12)
    assert_allclose(after_second, expected_second, rtol=1e-12)


def test_adamw_without_gradient_only_shrinks_the_weights():
    # zero gradients make Adam's step exactly zero: what moves is the decay
    n_weights = 3
    optimizer = OPTIMIZERS["adamw"](
        4, np.float64, weight_decay=0.2, n_decayed=n_weights
    )
    params = START.copy()
    optimizer.step(params, np.zeros(4), LEARNING_RATE)
    optimizer.step(params, np.zeros(4), LEARNING_RATE)
    assert_allclose(params[:n_weights], START[:n_weights] * (1 - 0.02) ** 2)
    assert params[n_weights] == START[n_weights]  # the bias is not decayed


def test_adamw_without_weight_decay_is_adam_exactly():
    rng = np.random.default_rng(0)
    adam = OPTIMIZERS["adam"](4, np.float64)
    adamw = OPTIMIZERS["adamw"](4, np.float64, weight_decay=0.0)
    adam_params, adamw_params = START.copy(), START.copy()
    for _ in range(5):
        grads = rng.normal(size=4)
        adam.step(adam_params, grads, LEARNING_RATE)
        adamw.step(adamw_params, grads, LEARNING_RATE)
    assert_array_equal(adamw_params, adam_params)


def assert_root_scaled_steps(optimizer, accumulators, epsilon):
    """Two steps of ``w <- w - lr * g / (sqrt(a) + epsilon)``, ``a`` given per step."""
    after_first, after_second = two_steps(optimizer)
    expected_first = START - LEARNING_RATE * FIRST_GRADS / (
        np.sqrt(accumulators[0]) + epsilon
    )
    expected_second = expected_first - LEARNING_RATE * SECOND_GRADS / (
        np.sqrt(accumulators[1]) + epsilon
    )
    assert_allclose(after_first, expected_first, rtol=1e-12)
    assert_allclose(after_second, expected_second, rtol=1e-12)


@pytest.mark.parametrize("epsilon", [1e-8, 0.5])
def test_rmsprop_two_steps(epsilon):
    rho = 0.8
    optimizer = OPTIMIZERS["rmsprop"](4, np.float64, rho=rho, epsilon=epsilon)
    first_mean_square = (1 - rho) * FIRST_GRADS**2
    second_mean_square = rho * first_mean_square + (1 - rho) * SECOND_GRADS**2
    assert_root_scaled_steps(
        optimizer, (first_mean_square, second_mean_square), epsilon
    )
    assert_allclose(optimizer.mean_square, second_mean_square, rtol=1e-12)


@pytest.mark.parametrize("epsilon", [1e-8, 0.5])
def test_adagrad_two_steps_divide_by_the_root_of_the_gradient_sum(epsilon):
    optimizer = OPTIMIZERS["adagrad"](4, np.float64, epsilon=epsilon)
    first_sum = FIRST_GRADS**2
    second_sum = FIRST_GRADS**2 + SECOND_GRADS**2
    assert_root_scaled_steps(optimizer, (first_sum, second_sum), epsilon)
    assert_allclose(optimizer.sum_of_squares, second_sum, rtol=1e-12)


def test_adagrad_first_step_moves_every_weight_by_the_learning_rate():
    # g / sqrt(g^2) = sign(g): the first step is the sign of the gradient
    optimizer = OPTIMIZERS["adagrad"](4, np.float64, epsilon=0.0)
    params = START.copy()
    optimizer.step(params, FIRST_GRADS, LEARNING_RATE)
    assert_allclose(params, START - LEARNING_RATE * np.sign(FIRST_GRADS))


@pytest.mark.parametrize("epsilon", [1e-6, 0.5])
def test_adadelta_two_steps(epsilon):
    rho = 0.8
    optimizer = OPTIMIZERS["adadelta"](4, np.float64, rho=rho, epsilon=epsilon)
    after_first, after_second = two_steps(optimizer)
    # the closed form, one quantity per line of Zeiler's Algorithm 1
    mean_square, mean_square_update, expected = 0.0, 0.0, [START]
    for grads in (FIRST_GRADS, SECOND_GRADS):
        mean_square = rho * mean_square + (1 - rho) * grads**2
        delta = np.sqrt(mean_square_update + epsilon) / np.sqrt(mean_square + epsilon)
        delta = delta * grads
        mean_square_update = rho * mean_square_update + (1 - rho) * delta**2
        expected.append(expected[-1] - LEARNING_RATE * delta)
    assert_allclose(after_first, expected[1], rtol=1e-12)
    assert_allclose(after_second, expected[2], rtol=1e-12)
    assert_allclose(optimizer.mean_square_update, mean_square_update, rtol=1e-12)


def test_adadelta_first_step_by_hand():
    # rho=0.5, epsilon=0.25, g=1: v = 0.5, Delta = sqrt(0.25) / sqrt(0.75) * 1
    optimizer = OPTIMIZERS["adadelta"](1, np.float64, rho=0.5, epsilon=0.25)
    params = np.array([2.0])
    optimizer.step(params, np.array([1.0]), 1.0)
    assert_allclose(params, [2.0 - 1.0 / np.sqrt(3.0)], rtol=1e-12)
    assert_allclose(optimizer.mean_square_update, [0.5 / 3.0], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_pickled_optimizer_goes_on_with_its_state(name):
    optimizer = OPTIMIZERS[name](4, np.float64)
    params = START.copy()
    optimizer.step(params, FIRST_GRADS, LEARNING_RATE)
    restored, restored_params = pickle.loads(pickle.dumps(optimizer)), params.copy()
    optimizer.step(params, SECOND_GRADS, LEARNING_RATE)
    restored.step(restored_params, SECOND_GRADS, LEARNING_RATE)
    assert_array_equal(restored_params, params)


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


# (learning rate, hyper-parameters) where 0.05 does not suit: Adagrad's steps
# shrink as 1 / sqrt(t), so it needs a larger rate; Adadelta runs in its own
# units, rate 1 (Zeiler's rule), with an epsilon that lets its first steps, of
# size about sqrt(epsilon), get going within 500 steps
_QUADRATIC_SETTINGS = {
    "adagrad": (0.5, {}),
    "adadelta": (1.0, {"epsilon": 1e-4}),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_default_optimizer_minimises_a_quadratic(name):
    # J(w) = 0.5 * ||w - target||^2, gradient w - target
    target = np.array([3.0, -1.0, 0.5, 2.0])
    learning_rate, hyper = _QUADRATIC_SETTINGS.get(name, (0.05, {}))
    optimizer = OPTIMIZERS[name](4, np.float64, **hyper)
    params = START.copy()
    for _ in range(500):
        optimizer.step(params, params - target, learning_rate)
    assert_allclose(params, target, atol=1e-2)
