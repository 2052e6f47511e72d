"""Network: parameter layout, forward pass, weighted loss, penalty, sklearn parity.

Also per-layer activations, dropout and loss parameters.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skperceptron._core import (
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    Network,
    predict_output,
)
from skperceptron._core.layers import draw_dropout_mask

LAYER_UNITS = [3, 4, 2]
DEEP_LAYER_UNITS = [3, 4, 5, 2]
N_SAMPLES = 8


def make_network(
    activation="tanh",
    loss="squared_error",
    dtype=np.float64,
    layer_units=LAYER_UNITS,
    **options,
):
    network = Network(layer_units, activation, loss, dtype, **options)
    return network.initialize(np.random.RandomState(0))


def make_data(n_samples=N_SAMPLES, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, LAYER_UNITS[0]))
    Y = rng.normal(size=(n_samples, LAYER_UNITS[-1]))
    return X, Y


def loss_and_gradient_copy(network, X, Y, sample_weight=None):
    """J and a copy of the gradient (``network.grads`` is overwritten next call)."""
    loss = network.loss_and_gradient(X, Y, sample_weight)
    return loss, network.grads.copy()


def flat_weights(coefs, intercepts):
    """Per-layer weights in the network's flat layout: all weights, then biases."""
    return np.concatenate([W.ravel() for W in coefs] + [b.ravel() for b in intercepts])


def test_params_hold_all_weights_then_all_biases():
    network = make_network()
    n_coefs = 3 * 4 + 4 * 2
    assert network.n_coefs == n_coefs
    assert network.params.shape == network.grads.shape == (n_coefs + 4 + 2,)
    assert_array_equal(network.params, flat_weights(network.coefs, network.intercepts))


def test_per_layer_views_write_through_to_the_flat_vectors():
    network = make_network()
    network.params[...] = np.arange(network.params.size)
    assert network.coefs[1][0, 1] == 3 * 4 + 1
    assert network.intercepts[0][0] == network.n_coefs
    for layer in network.layers:
        assert np.shares_memory(layer.W, network.params)
        assert np.shares_memory(layer.W_grad, network.grads)
        assert np.shares_memory(layer.b_grad, network.grads)


def test_set_weights_copies_the_given_arrays():
    rng = np.random.RandomState(2)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)]
    network = Network(LAYER_UNITS, "relu", "log_loss", np.float32)
    assert network.set_weights(coefs, intercepts) is network
    expected = flat_weights(coefs, intercepts).astype(np.float32)
    coefs[0][...] = 0.0  # the network must hold a copy
    assert_array_equal(network.params, expected)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_forward_is_hidden_activation_then_output_link(activation, loss):
    network = make_network(activation, loss)
    X, _ = make_data()
    (W1, W2), (b1, b2) = network.coefs, network.intercepts
    hidden = ACTIVATIONS[activation].forward(X @ W1 + b1)
    expected_output = LOSSES[loss].link(hidden @ W2 + b2)
    outputs = network.forward(X)
    assert_allclose(outputs[0], hidden, rtol=1e-12)
    assert_allclose(outputs[-1], expected_output, rtol=1e-12)


@pytest.mark.parametrize("to_input", [np.asarray, sp.csr_matrix])
def test_predict_output_equals_forward_without_touching_network(to_input):
    network = make_network("relu", "log_loss")
    X, _ = make_data()
    X_input = to_input(X.copy())
    prediction = predict_output(
        network.coefs, network.intercepts, "relu", "log_loss", X_input
    )
    forward_output = network.forward(X)[-1]
    assert_allclose(prediction, forward_output, rtol=1e-12)
    assert not np.shares_memory(prediction, forward_output)
    X_after = X_input.toarray() if sp.issparse(X_input) else X_input
    assert_array_equal(X_after, X)


def test_all_one_weights_equal_no_weights():
    network = make_network(alpha=0.1)
    X, Y = make_data()
    unweighted = loss_and_gradient_copy(network, X, Y)
    weighted = loss_and_gradient_copy(network, X, Y, np.ones(N_SAMPLES))
    assert weighted[0] == pytest.approx(unweighted[0])
    assert_allclose(weighted[1], unweighted[1], rtol=1e-12)


def test_integer_weights_equal_repeated_rows():
    network = make_network(alpha=0.1)
    X, Y = make_data()
    counts = np.array([1, 2, 3, 1, 1, 2, 1, 4])
    weighted = loss_and_gradient_copy(network, X, Y, counts.astype(float))
    repeated = loss_and_gradient_copy(
        network, np.repeat(X, counts, axis=0), np.repeat(Y, counts, axis=0)
    )
    assert weighted[0] == pytest.approx(repeated[0])
    assert_allclose(weighted[1], repeated[1], rtol=1e-12)


def test_zero_weights_equal_dropped_rows():
    network = make_network("relu", "log_loss", alpha=0.1)
    X, _ = make_data()
    Y = np.eye(2)[np.arange(N_SAMPLES) % 2]
    sample_weight = np.array([1.0, 0.0, 2.0, 0.5, 0.0, 1.0, 1.0, 3.0])
    kept = sample_weight > 0
    weighted = loss_and_gradient_copy(network, X, Y, sample_weight)
    dropped = loss_and_gradient_copy(network, X[kept], Y[kept], sample_weight[kept])
    assert weighted[0] == pytest.approx(dropped[0])
    assert_allclose(weighted[1], dropped[1], rtol=1e-12)


@pytest.mark.parametrize(("per_weight_sum", "divisor"), [(True, N_SAMPLES), (False, 1)])
def test_l2_penalty_value_and_gradient(per_weight_sum, divisor):
    alpha = 0.3
    plain = make_network()
    penalised = make_network(alpha=alpha, penalty_per_weight_sum=per_weight_sum)
    X, Y = make_data()
    plain_loss, plain_grads = loss_and_gradient_copy(plain, X, Y)
    penalised_loss, penalised_grads = loss_and_gradient_copy(penalised, X, Y)
    weights = plain.params[: plain.n_coefs]
    scaled_alpha = alpha / divisor
    assert penalised_loss - plain_loss == pytest.approx(
        0.5 * scaled_alpha * np.sum(weights**2)
    )
    expected_grads = plain_grads.copy()
    expected_grads[: plain.n_coefs] += scaled_alpha * weights  # biases: no penalty
    assert_allclose(penalised_grads, expected_grads, rtol=1e-12)


def test_smaller_batch_after_larger_batch_matches_a_fresh_network():
    X, Y = make_data(n_samples=20)
    reused = make_network()
    loss_and_gradient_copy(reused, X, Y)
    after_reuse = loss_and_gradient_copy(reused, X[:5], Y[:5])
    fresh = loss_and_gradient_copy(make_network(), X[:5], Y[:5])
    assert after_reuse[0] == fresh[0]
    assert_array_equal(after_reuse[1], fresh[1])
    larger = loss_and_gradient_copy(reused, *make_data(n_samples=30))
    assert np.isfinite(larger[0]) and np.all(np.isfinite(larger[1]))


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_float32_stays_float32_through_forward_and_backward(loss):
    X, Y = make_data()
    Y = np.abs(Y) if loss == "poisson" else (Y > 0).astype(float)
    network32 = make_network("relu", loss, np.float32, alpha=0.1)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    loss32 = network32.loss_and_gradient(X32, Y32, np.linspace(0.5, 1.5, N_SAMPLES))
    assert network32.params.dtype == network32.grads.dtype == np.float32
    assert all(output.dtype == np.float32 for output in network32.forward(X32))
    network64 = make_network("relu", loss, np.float64, alpha=0.1)
    network64.params[...] = network32.params
    loss64 = network64.loss_and_gradient(X, Y, np.linspace(0.5, 1.5, N_SAMPLES))
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    assert_allclose(network32.grads, network64.grads, rtol=1e-4, atol=1e-6)


def sklearn_after_one_sgd_step(estimator_class, X, y, sample_weight, **params):
    """Weights of a scikit-learn MLP after one full-batch step of plain SGD."""
    mlp = estimator_class(
        hidden_layer_sizes=(4,),
        activation="tanh",
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.0,
        alpha=0.01,
        batch_size=X.shape[0],
        max_iter=1,
        shuffle=False,
        random_state=5,
        **params,
    )
    mlp.fit(X, y, sample_weight=sample_weight)
    return mlp


SKLEARN_CASES = {
    "regression": (MLPRegressor, {}, "squared_error"),
    "poisson": (MLPRegressor, {"loss": "poisson"}, "poisson"),
    "binary": (MLPClassifier, {}, "binary_log_loss"),
    "multiclass": (MLPClassifier, {}, "log_loss"),
}


def sklearn_case_targets(case, rng, n_samples):
    """(y for scikit-learn, Y for the network) for one of ``SKLEARN_CASES``."""
    if case == "regression":
        y = rng.normal(size=n_samples)
    elif case == "poisson":
        y = rng.poisson(2.0, size=n_samples).astype(float)
    else:
        y = rng.randint(2 if case == "binary" else 3, size=n_samples)
    Y = np.eye(3)[y] if case == "multiclass" else y[:, np.newaxis].astype(float)
    return y, Y


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", sorted(SKLEARN_CASES))
def test_one_sgd_step_matches_sklearn_mlp(case, weighted):
    estimator_class, params, loss = SKLEARN_CASES[case]
    rng = np.random.RandomState(3)
    X = rng.normal(size=(25, 3))
    y, Y = sklearn_case_targets(case, rng, 25)
    sample_weight = rng.uniform(0.0, 2.0, size=25) if weighted else None
    mlp = sklearn_after_one_sgd_step(estimator_class, X, y, sample_weight, **params)
    network = Network([3, 4, Y.shape[1]], "tanh", loss, np.float64, alpha=0.01)
    network.initialize(np.random.RandomState(5))
    initial_loss = network.loss_and_gradient(X, Y, sample_weight)
    stepped = network.params - 0.1 * network.grads
    assert initial_loss == pytest.approx(mlp.loss_curve_[0], rel=1e-10)
    assert_allclose(stepped, flat_weights(mlp.coefs_, mlp.intercepts_), rtol=1e-10)


def deep_data(n_samples=N_SAMPLES, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, DEEP_LAYER_UNITS[0]))
    Y = rng.normal(size=(n_samples, DEEP_LAYER_UNITS[-1]))
    return X, Y


def hand_built_output(network, X, masks=(None, None)):
    """The network's output, each hidden layer's output times its mask if any."""
    out = X
    for layer, mask in zip(network.layers, list(masks) + [None]):
        out = layer.activation.forward(out @ layer.W + layer.b)
        if mask is not None:
            out = out * mask
    return out


def half_squared_error(output, Y):
    return 0.5 * np.mean(np.sum((output - Y) ** 2, axis=1))


@pytest.mark.parametrize("to_sequence", [list, tuple])
def test_one_activation_per_hidden_layer(to_sequence):
    activations = to_sequence(["gelu", "elu"])
    network = make_network(activations, layer_units=DEEP_LAYER_UNITS)
    X, _ = deep_data()
    assert network.activation == activations
    assert network.hidden_activations == ["gelu", "elu"]
    assert [layer.activation for layer in network.layers] == [
        ACTIVATIONS["gelu"],
        ACTIVATIONS["elu"],
        ACTIVATIONS["identity"],
    ]
    output = network.forward(X)[-1]
    assert_allclose(output, hand_built_output(network, X), rtol=1e-12)
    prediction = predict_output(
        network.coefs, network.intercepts, activations, "squared_error", X
    )
    assert_allclose(prediction, output, rtol=1e-12)


def test_one_str_equals_that_name_for_every_hidden_layer():
    X, Y = deep_data()
    by_str = make_network("logistic", layer_units=DEEP_LAYER_UNITS)
    by_list = make_network(["logistic"] * 2, layer_units=DEEP_LAYER_UNITS)
    assert_array_equal(by_list.params, by_str.params)
    assert by_list.loss_and_gradient(X, Y) == by_str.loss_and_gradient(X, Y)
    assert_array_equal(by_list.grads, by_str.grads)


def test_wrong_number_of_activations_is_refused():
    with pytest.raises(ValueError, match="3 entries for 2 hidden layers"):
        Network(DEEP_LAYER_UNITS, ["relu"] * 3, "squared_error", np.float64)
    network = make_network(layer_units=DEEP_LAYER_UNITS)
    with pytest.raises(ValueError, match="1 entries for 2 hidden layers"):
        predict_output(
            network.coefs,
            network.intercepts,
            ["relu"],
            "squared_error",
            np.ones((1, 3)),
        )


@pytest.mark.parametrize(
    ("layer_units", "activation", "expected"),
    [
        (DEEP_LAYER_UNITS, "tanh", ["tanh", "tanh", "tanh"]),  # as scikit-learn
        (DEEP_LAYER_UNITS, ["relu", "logistic"], ["relu", "logistic", "logistic"]),
        ([3, 2], "identity", ["identity"]),
        ([3, 2], [], ["identity"]),
    ],
)
def test_initializer_is_told_each_layers_activation(
    monkeypatch, layer_units, activation, expected
):
    seen = []

    def recording_initializer(fan_in, fan_out, rng, dtype, activation):
        seen.append(activation)
        return np.zeros((fan_in, fan_out), dtype), np.zeros(fan_out, dtype)

    monkeypatch.setitem(INITIALIZERS, "recording", recording_initializer)
    network = Network(layer_units, activation, "squared_error", np.float64)
    network.initialize(np.random.RandomState(0), "recording")
    assert seen == expected


def test_extra_buffers_only_for_layers_that_use_them():
    plain = make_network("relu", layer_units=DEEP_LAYER_UNITS)
    plain_buffers = plain._buffers(N_SAMPLES)
    assert plain_buffers.preactivations == [None, None, None]
    assert plain_buffers.masks == plain_buffers.dropped == [None, None, None]
    mixed = make_network(
        ["relu", "gelu"], layer_units=DEEP_LAYER_UNITS, dropout=[0.3, 0.0]
    )
    buffers = mixed._buffers(N_SAMPLES)
    assert [Z is None for Z in buffers.preactivations] == [True, False, True]
    assert [mask is None for mask in buffers.masks] == [False, True, True]
    assert [out is None for out in buffers.dropped] == [False, True, True]


def test_dropout_is_off_without_a_dropout_rng():
    X, Y = deep_data()
    plain = make_network(layer_units=DEEP_LAYER_UNITS)
    with_dropout = make_network(layer_units=DEEP_LAYER_UNITS, dropout=0.5)
    assert with_dropout.loss_and_gradient(X, Y) == plain.loss_and_gradient(X, Y)
    assert_array_equal(with_dropout.grads, plain.grads)
    assert_array_equal(with_dropout.forward(X)[-1], plain.forward(X)[-1])


def test_dropout_zeroes_about_a_fraction_p_and_scales_the_kept_units():
    rate = 0.3
    X, Y = deep_data(n_samples=2000)
    network = make_network("tanh", layer_units=DEEP_LAYER_UNITS, dropout=rate)
    network.loss_and_gradient(X, Y, dropout_rng=np.random.RandomState(0))
    buffers = network._buffers(X.shape[0])
    for output, dropped in zip(buffers.outputs[:-1], buffers.dropped[:-1]):
        zeroed = dropped == 0  # tanh outputs are never 0 themselves
        assert zeroed.mean() == pytest.approx(rate, abs=0.02)  # 8000+ draws
        assert_allclose(dropped[~zeroed], output[~zeroed] / (1 - rate), rtol=1e-12)


@pytest.mark.parametrize("rates", [[0.0, 0.5], [0.5, 0.0], [0.3, 0.6]])
def test_dropout_loss_equals_a_hand_masked_network(rates):
    """Per-layer rates; masks drawn in layer order, none for a rate of 0."""
    X, Y = deep_data()
    network = make_network("tanh", layer_units=DEEP_LAYER_UNITS, dropout=rates)
    loss = network.loss_and_gradient(X, Y, dropout_rng=np.random.RandomState(4))
    mask_rng = np.random.RandomState(4)
    masks = [
        draw_dropout_mask(rate, mask_rng, np.empty((N_SAMPLES, units)))
        if rate > 0
        else None
        for rate, units in zip(rates, DEEP_LAYER_UNITS[1:-1])
    ]
    expected = half_squared_error(hand_built_output(network, X, masks), Y)
    assert loss == pytest.approx(expected, rel=1e-12)
    undropped = half_squared_error(hand_built_output(network, X), Y)
    assert loss != pytest.approx(undropped, rel=1e-6)


def test_same_dropout_seed_gives_the_same_gradient():
    X, Y = deep_data()
    network = make_network(layer_units=DEEP_LAYER_UNITS, dropout=0.5)

    def gradient_for_seed(seed):
        network.loss_and_gradient(X, Y, dropout_rng=np.random.RandomState(seed))
        return network.grads.copy()

    first = gradient_for_seed(0)
    np.random.seed(1)  # the global state plays no part
    assert_array_equal(gradient_for_seed(0), first)
    assert not np.array_equal(gradient_for_seed(1), first)


@pytest.mark.parametrize("dropout", [1.0, -0.1, [0.5], [0.2, 0.2, 0.2]])
def test_bad_dropout_is_refused(dropout):
    with pytest.raises(ValueError, match="dropout"):
        Network(DEEP_LAYER_UNITS, "relu", "squared_error", np.float64, dropout=dropout)


class ScaledSquaredError(LOSSES["squared_error"]):
    """Half squared error times ``scale``: a loss with a parameter."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def value_and_raw_gradient(self, Y, out, weights, delta):
        loss = super().value_and_raw_gradient(Y, out, weights, delta)
        delta *= self.scale
        return self.scale * loss


def test_loss_params_reach_the_loss(monkeypatch):
    monkeypatch.setitem(LOSSES, "scaled", ScaledSquaredError)
    X, Y = make_data()
    plain = make_network("tanh", "squared_error")
    default = make_network("tanh", "scaled")
    scaled = make_network("tanh", "scaled", loss_params={"scale": 3.0})
    assert isinstance(scaled.loss, ScaledSquaredError)
    assert (default.loss.scale, scaled.loss.scale) == (1.0, 3.0)
    plain_loss, plain_grads = loss_and_gradient_copy(plain, X, Y)
    scaled_loss, scaled_grads = loss_and_gradient_copy(scaled, X, Y)
    assert scaled_loss == pytest.approx(3.0 * plain_loss)
    assert_allclose(scaled_grads, 3.0 * plain_grads, rtol=1e-12)
