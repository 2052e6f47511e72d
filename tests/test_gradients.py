"""Central finite-difference checks of every gradient the core computes.

Each registry entry (activation, loss, penalty) is checked on its own, a dense
layer's input gradient is checked, and the whole backward pass of a
``Network`` is checked for every activation x loss pair, with and without an
L2 penalty and with and without sample weights, then with one activation per
hidden layer and with dropout under a fixed mask. Parametrizing over the
registries means a new entry is checked without touching this file.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skperceptron._core import ACTIVATIONS, LOSSES, PENALTIES, Network
from skperceptron._core.layers import Dense

STEP = 1e-6
RTOL, ATOL = 1e-5, 1e-7
KINK_MARGIN = 1e-3  # |pre-activation| kept above this, far beyond STEP * |x|
N_SAMPLES, N_FEATURES, N_OUTPUTS = 7, 4, 3
LAYER_UNITS = [N_FEATURES, 5, 3, N_OUTPUTS]
ZERO_WEIGHT_ROWS = [1, 4]
# no kink anywhere, so dropped inputs cannot move a pre-activation onto one
SMOOTH_ACTIVATIONS = ["gelu", "logistic", "silu", "softplus", "tanh"]


def central_differences(scalar_function, x, step=STEP):
    """Gradient of ``scalar_function()`` with respect to the array ``x``.

    Each entry of ``x`` is moved by ``+step`` and ``-step`` in place and put
    back afterwards, so ``scalar_function`` must read ``x`` when called.
    """
    flat_x = x.reshape(-1)  # a view: writing it moves x
    gradient = np.empty(flat_x.size)
    for i, saved in enumerate(flat_x.copy()):
        flat_x[i] = saved + step
        upper = scalar_function()
        flat_x[i] = saved - step
        lower = scalar_function()
        flat_x[i] = saved
        gradient[i] = (upper - lower) / (2 * step)
    return gradient.reshape(x.shape)


def away_from_zero(rng, shape, margin=0.1):
    """Random values with ``|value| >= margin`` and both signs."""
    signs = rng.choice([-1.0, 1.0], size=shape)
    return signs * (margin + rng.exponential(1.0, size=shape))


def one_hot_targets(rng, shape):
    return np.eye(shape[1])[rng.randint(shape[1], size=shape[0])]


def binary_targets(rng, shape):
    return rng.randint(2, size=shape).astype(np.float64)


def count_targets(rng, shape):
    return rng.poisson(1.5, size=shape).astype(np.float64)


def real_targets(rng, shape):
    return rng.normal(size=shape)


def sign_targets(rng, shape):
    return np.where(rng.randint(2, size=shape) == 1, 1.0, -1.0)


TARGETS_FOR_LOSS = {
    "perceptron": sign_targets,
    "log_loss": one_hot_targets,
    "binary_log_loss": binary_targets,
    "poisson": count_targets,
}


def make_targets(loss_name, rng, shape):
    """Targets in the domain of ``loss_name``; real-valued for unknown losses."""
    return TARGETS_FOR_LOSS.get(loss_name, real_targets)(rng, shape)


def weights_with_zeros(rng, n_samples):
    """Raw positive sample weights, two of them zero."""
    sample_weight = rng.uniform(0.5, 2.0, size=n_samples)
    sample_weight[ZERO_WEIGHT_ROWS] = 0.0
    return sample_weight


def smallest_hidden_preactivation(network, X):
    """min |Z| over every hidden layer's pre-activations for the batch ``X``."""
    inputs, smallest = X, np.inf
    for layer in network.layers[:-1]:
        Z = inputs @ layer.W + layer.b  # (n_samples, fan_out)
        smallest = min(smallest, np.abs(Z).min())
        inputs = layer.activation.forward(Z)
    return smallest


def network_away_from_kinks(layer_units, activation, loss, X, **options):
    """A float64 network whose hidden pre-activations on ``X`` avoid 0.

    Initial seeds are tried in order until none of the pre-activations is
    within ``KINK_MARGIN`` of 0, so a ReLU's kink never sits inside the
    finite-difference step.
    """
    dense_X = X.toarray() if sp.issparse(X) else X
    for seed in range(100):
        network = Network(layer_units, activation, loss, np.float64, **options)
        network.initialize(np.random.RandomState(seed))
        if smallest_hidden_preactivation(network, dense_X) > KINK_MARGIN:
            return network
    raise AssertionError("no initial seed keeps the pre-activations off zero")


def assert_network_gradient_matches(
    network, X, Y, sample_weight=None, dropout_seed=None
):
    """``network.grads`` equals central differences of the returned loss.

    With a ``dropout_seed`` every evaluation gets a fresh ``RandomState`` of
    that seed, so all of them drop the same units.
    """

    def loss_at_current_params():
        dropout_rng = None
        if dropout_seed is not None:
            dropout_rng = np.random.RandomState(dropout_seed)
        return network.loss_and_gradient(X, Y, sample_weight, dropout_rng)

    loss_at_current_params()
    backprop_gradient = network.grads.copy()

    numerical_gradient = central_differences(loss_at_current_params, network.params)
    assert np.abs(backprop_gradient).max() > 1e-4  # not a vacuous comparison
    assert_allclose(backprop_gradient, numerical_gradient, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    activation = ACTIVATIONS[name]
    rng = np.random.RandomState(0)
    Z = away_from_zero(rng, (6, 4))
    upstream = rng.normal(size=Z.shape)
    upper = activation.forward(Z + STEP)
    lower = activation.forward(Z - STEP)
    numerical = upstream * (upper - lower) / (2 * STEP)
    A = activation.forward(Z.copy())
    analytic = activation.derivative(A, upstream.copy(), Z)
    assert_allclose(analytic, numerical, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("weighting", ["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_raw_gradient_matches_finite_differences(name, weighting):
    loss = LOSSES[name]()  # default parameters, as a Network makes it
    rng = np.random.RandomState(1)
    raw = rng.normal(size=(N_SAMPLES, N_OUTPUTS))
    Y = make_targets(name, rng, raw.shape)
    weights = None
    if weighting == "weighted":
        sample_weight = weights_with_zeros(rng, N_SAMPLES)
        weights = sample_weight / sample_weight.sum()

    def loss_at_current_raw():
        return loss.value(Y, loss.link(raw.copy()), weights)

    numerical = central_differences(loss_at_current_raw, raw)
    analytic = loss.raw_gradient(Y, loss.link(raw.copy()), weights, np.empty_like(raw))
    assert_allclose(analytic, numerical, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", sorted(PENALTIES, key=str))
def test_penalty_gradient_matches_finite_differences(name):
    penalty = PENALTIES[name]
    rng = np.random.RandomState(2)
    coefs = away_from_zero(rng, 12)  # L1's |w| has its kink at 0
    alpha, l1_ratio = 0.3, 0.4
    numerical = central_differences(
        lambda: penalty.value(coefs, alpha, l1_ratio), coefs
    )
    analytic = penalty.add_gradient(coefs, np.zeros_like(coefs), alpha, l1_ratio)
    assert_allclose(analytic, numerical, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_dense_input_gradient_matches_finite_differences(name):
    rng = np.random.RandomState(3)
    fan_in, fan_out = 4, 3
    W, b = rng.normal(size=(fan_in, fan_out)), rng.normal(size=fan_out)
    layer = Dense(W, b, np.empty_like(W), np.empty_like(b), ACTIVATIONS[name])
    X = rng.normal(size=(5, fan_in))
    upstream = rng.normal(size=(5, fan_out))  # dJ/dA for J = sum(upstream * A)
    assert np.abs(X @ W + b).min() > KINK_MARGIN
    Z = np.empty((5, fan_out)) if layer.activation.needs_preactivation else None

    def weighted_output_sum():
        return float(np.sum(upstream * layer.forward(X, np.empty((5, fan_out)))))

    numerical = central_differences(weighted_output_sum, X)
    A = layer.forward(X, np.empty((5, fan_out)), Z)
    input_gradient = layer.backward(X, A, upstream.copy(), np.empty_like(X), Z)
    assert_allclose(input_gradient, numerical, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("weighting", ["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_network_gradient_matches_finite_differences(
    activation, loss, alpha, weighting
):
    rng = np.random.RandomState(4)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = make_targets(loss, rng, (N_SAMPLES, N_OUTPUTS))
    sample_weight = None
    if weighting == "weighted":
        sample_weight = weights_with_zeros(rng, N_SAMPLES)
    network = network_away_from_kinks(
        LAYER_UNITS, activation, loss, X, penalty="l2", alpha=alpha
    )
    assert_network_gradient_matches(network, X, Y, sample_weight)


@pytest.mark.parametrize("per_weight_sum", [True, False])
@pytest.mark.parametrize("penalty", sorted(PENALTIES, key=str))
def test_network_gradient_with_every_penalty(penalty, per_weight_sum):
    rng = np.random.RandomState(5)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = rng.normal(size=(N_SAMPLES, N_OUTPUTS))
    network = network_away_from_kinks(
        LAYER_UNITS,
        "tanh",
        "squared_error",
        X,
        penalty=penalty,
        alpha=0.5,
        l1_ratio=0.4,
        penalty_per_weight_sum=per_weight_sum,
    )
    coefs = network.params[: network.n_coefs]
    assert np.abs(coefs).min() > 10 * STEP  # away from L1's kink
    assert_network_gradient_matches(network, X, Y, weights_with_zeros(rng, N_SAMPLES))


def test_network_gradient_with_sparse_input():
    rng = np.random.RandomState(6)
    dense_X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    dense_X[rng.uniform(size=dense_X.shape) < 0.5] = 0.0
    X = sp.csr_matrix(dense_X)
    Y = one_hot_targets(rng, (N_SAMPLES, N_OUTPUTS))
    network = network_away_from_kinks(
        LAYER_UNITS, "relu", "log_loss", X, penalty="l2", alpha=0.3
    )
    assert_network_gradient_matches(network, X, Y, weights_with_zeros(rng, N_SAMPLES))


@pytest.mark.parametrize(
    "activations",
    [
        ("gelu", "relu"),
        ("logistic", "silu"),
        ("softplus", "leaky_relu"),
        ("elu", "tanh"),
    ],
)
def test_network_gradient_with_one_activation_per_hidden_layer(activations):
    rng = np.random.RandomState(7)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = one_hot_targets(rng, (N_SAMPLES, N_OUTPUTS))
    network = network_away_from_kinks(
        LAYER_UNITS, list(activations), "log_loss", X, alpha=0.3
    )
    assert_network_gradient_matches(network, X, Y, weights_with_zeros(rng, N_SAMPLES))


@pytest.mark.parametrize("dropout", [0.4, [0.5, 0.0], [0.0, 0.3]])
@pytest.mark.parametrize("activation", SMOOTH_ACTIVATIONS)
def test_network_gradient_with_a_fixed_dropout_mask(activation, dropout):
    rng = np.random.RandomState(8)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = real_targets(rng, (N_SAMPLES, N_OUTPUTS))
    network = network_away_from_kinks(
        LAYER_UNITS, activation, "squared_error", X, alpha=0.3, dropout=dropout
    )
    undropped_loss = network.loss_and_gradient(X, Y)
    dropped_loss = network.loss_and_gradient(X, Y, None, np.random.RandomState(9))
    assert dropped_loss != undropped_loss  # the mask drops something
    assert_network_gradient_matches(network, X, Y, dropout_seed=9)
