"""Weight initialisers: shapes, scales, bounds and exact random draws."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network import MLPClassifier

from skperceptron._core import INITIALIZERS, Network
from skperceptron._core.initializers import glorot_uniform

FAN_IN, FAN_OUT = 50, 40
LARGE_FAN_IN, LARGE_FAN_OUT = 400, 300  # 120,000 draws: std known to ~0.2 %
# The weights' standard deviation by formula, for the zero-bias initialisers.
WEIGHT_STDS = {
    "glorot_normal": lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out)),
    "he_normal": lambda fan_in, fan_out: np.sqrt(2 / fan_in),
    "lecun_normal": lambda fan_in, fan_out: np.sqrt(1 / fan_in),
    "he_uniform": lambda fan_in, fan_out: np.sqrt(2 / fan_in),  # bound / sqrt(3)
}
ZERO_BIAS_INITIALIZERS = sorted(WEIGHT_STDS)


def glorot_bound(fan_in, fan_out, activation):
    factor = 2.0 if activation == "logistic" else 6.0
    return np.sqrt(factor / (fan_in + fan_out))


def he_uniform_bound(fan_in):
    return np.sqrt(6 / fan_in)


def reference_weights(name, rng, fan_in, fan_out):
    """The weights the formula draws from ``rng``, written out here."""
    if name == "he_uniform":
        bound = he_uniform_bound(fan_in)
        return rng.uniform(-bound, bound, (fan_in, fan_out))
    return rng.normal(0.0, WEIGHT_STDS[name](fan_in, fan_out), (fan_in, fan_out))


def large_layer(name, seed=0):
    return INITIALIZERS[name](
        LARGE_FAN_IN, LARGE_FAN_OUT, np.random.RandomState(seed), np.float64
    )


def sklearn_initial_weights(X, y, hidden_layer_sizes, activation, seed):
    """scikit-learn's initial ``coefs_``/``intercepts_``, read from a fitted MLP.

    One SGD epoch with a learning rate of 1e-300 and no momentum moves no
    weight of order 0.1 by even one ulp, so the fitted weights are the drawn
    ones (only public API is used).
    """
    mlp = MLPClassifier(
        hidden_layer_sizes=hidden_layer_sizes,
        activation=activation,
        solver="sgd",
        learning_rate_init=1e-300,
        momentum=0.0,
        max_iter=1,
        shuffle=False,
        random_state=seed,
    ).fit(X, y)
    return mlp.coefs_, mlp.intercepts_


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_shapes_and_dtype(name):
    for dtype in (np.float32, np.float64):
        W, b = INITIALIZERS[name](3, 5, np.random.RandomState(0), dtype)
        assert W.shape == (3, 5) and b.shape == (5,)
        assert W.dtype == dtype and b.dtype == dtype


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_same_seed_same_draws(name):
    first = INITIALIZERS[name](4, 6, np.random.RandomState(7), np.float64)
    second = INITIALIZERS[name](4, 6, np.random.RandomState(7), np.float64)
    other = INITIALIZERS[name](4, 6, np.random.RandomState(8), np.float64)
    assert_array_equal(first[0], second[0])
    assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity", "logistic"])
def test_glorot_draws_fill_the_glorot_interval(activation):
    W, b = glorot_uniform(
        FAN_IN, FAN_OUT, np.random.RandomState(0), np.float64, activation
    )
    bound = glorot_bound(FAN_IN, FAN_OUT, activation)
    drawn = np.concatenate([W.ravel(), b])
    assert np.abs(drawn).max() <= bound
    assert drawn.max() > 0.99 * bound and drawn.min() < -0.99 * bound  # 2040 draws


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_glorot_draws_weights_then_biases_from_one_uniform(activation):
    bound = glorot_bound(3, 4, activation)
    reference_rng = np.random.RandomState(42)
    expected_W = reference_rng.uniform(-bound, bound, (3, 4))
    expected_b = reference_rng.uniform(-bound, bound, 4)
    W, b = glorot_uniform(3, 4, np.random.RandomState(42), np.float64, activation)
    assert_array_equal(W, expected_W)
    assert_array_equal(b, expected_b)


def test_glorot_float32_is_the_float64_draw_rounded():
    W64, b64 = glorot_uniform(3, 4, np.random.RandomState(1), np.float64)
    W32, b32 = glorot_uniform(3, 4, np.random.RandomState(1), np.float32)
    assert_array_equal(W32, W64.astype(np.float32))
    assert_array_equal(b32, b64.astype(np.float32))


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh"])
def test_network_starts_where_sklearn_mlp_starts(activation):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(30, 4)), rng.randint(3, size=30)
    seed, hidden = 11, (6, 5)
    expected_coefs, expected_intercepts = sklearn_initial_weights(
        X, y, hidden, activation, seed
    )
    network = Network([4, *hidden, 3], activation, "log_loss", np.float64)
    network.initialize(np.random.RandomState(seed))
    for ours, theirs in zip(network.coefs, expected_coefs):
        assert_array_equal(ours, theirs)
    for ours, theirs in zip(network.intercepts, expected_intercepts):
        assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", ZERO_BIAS_INITIALIZERS)
def test_zero_bias_initializers_start_biases_at_zero(name):
    for dtype in (np.float32, np.float64):
        W, b = INITIALIZERS[name](FAN_IN, FAN_OUT, np.random.RandomState(3), dtype)
        assert W.shape == (FAN_IN, FAN_OUT) and W.dtype == dtype
        assert b.shape == (FAN_OUT,) and b.dtype == dtype
        assert_array_equal(b, np.zeros(FAN_OUT))
        assert np.all(W != 0)


@pytest.mark.parametrize("name", ZERO_BIAS_INITIALIZERS)
def test_zero_bias_initializers_draw_with_the_formula_std(name):
    W, _ = large_layer(name)
    expected_std = WEIGHT_STDS[name](LARGE_FAN_IN, LARGE_FAN_OUT)
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    assert abs(W.mean()) < 0.02 * expected_std


def test_he_uniform_fills_its_bound():
    W, _ = large_layer("he_uniform")
    bound = he_uniform_bound(LARGE_FAN_IN)
    assert np.abs(W).max() <= bound
    assert W.max() > 0.99 * bound and W.min() < -0.99 * bound


@pytest.mark.parametrize("name", ZERO_BIAS_INITIALIZERS)
def test_zero_bias_initializers_draw_the_weights_and_nothing_else(name):
    rng, reference_rng = np.random.RandomState(9), np.random.RandomState(9)
    W, _ = INITIALIZERS[name](FAN_IN, FAN_OUT, rng, np.float64)
    expected_W = reference_weights(name, reference_rng, FAN_IN, FAN_OUT)
    assert_allclose(W, expected_W, rtol=1e-12)
    assert rng.uniform() == reference_rng.uniform()  # no draw after W


@pytest.mark.parametrize("name", ZERO_BIAS_INITIALIZERS)
def test_zero_bias_initializers_are_deterministic_for_a_seed(name):
    first, _ = large_layer(name, seed=5)
    second, _ = large_layer(name, seed=5)
    other, _ = large_layer(name, seed=6)
    assert_array_equal(first, second)
    assert not np.array_equal(first, other)
