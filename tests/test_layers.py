"""Dense layer: forward into a buffer, backward into gradient views; dropout masks."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from skperceptron._core import ACTIVATIONS
from skperceptron._core.layers import Dense, draw_dropout_mask

N_SAMPLES, FAN_IN, FAN_OUT = 6, 4, 3


def make_dense(activation, dtype=np.float64, seed=0):
    """A Dense layer with random weights and its own gradient arrays."""
    rng = np.random.RandomState(seed)
    W = rng.normal(size=(FAN_IN, FAN_OUT)).astype(dtype)
    b = rng.normal(size=FAN_OUT).astype(dtype)
    return Dense(W, b, np.zeros_like(W), np.zeros_like(b), ACTIVATIONS[activation])


def preactivation_buffer(layer, dtype=np.float64):
    """The Z buffer a network gives ``layer``: only if its activation needs one."""
    if layer.activation.needs_preactivation:
        return np.empty((N_SAMPLES, FAN_OUT), dtype)
    return None


def random_batch(dtype=np.float64, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_SAMPLES, FAN_IN)).astype(dtype)
    X[X < -0.5] = 0.0  # some zeros, so the sparse copy is really sparse
    upstream = rng.normal(size=(N_SAMPLES, FAN_OUT)).astype(dtype)
    return X, upstream


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_writes_activation_of_affine_map_into_out(name):
    layer = make_dense(name)
    X, _ = random_batch()
    out = np.empty((N_SAMPLES, FAN_OUT))
    result = layer.forward(X, out)
    expected = ACTIVATIONS[name].forward(X @ layer.W + layer.b)
    assert np.shares_memory(result, out)
    assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_keeps_the_preactivation_in_the_given_buffer(name):
    layer = make_dense(name)
    X, _ = random_batch()
    out, Z = np.empty((N_SAMPLES, FAN_OUT)), np.empty((N_SAMPLES, FAN_OUT))
    layer.forward(X, out, Z)
    assert_allclose(Z, X @ layer.W + layer.b, rtol=1e-12)
    assert_allclose(out, ACTIVATIONS[name].forward(Z.copy()), rtol=1e-12)


@pytest.mark.parametrize("name", ["gelu", "silu"])
def test_backward_reads_the_preactivation_buffer(name):
    """f' from Z: with a wrong Z the gradients are wrong too."""
    layer = make_dense(name)
    X, upstream = random_batch()
    Z = np.empty((N_SAMPLES, FAN_OUT))
    A = layer.forward(X, np.empty((N_SAMPLES, FAN_OUT)), Z)
    dZ = ACTIVATIONS[name].derivative(A, upstream.copy(), X @ layer.W + layer.b)
    layer.backward(X, A, upstream.copy(), None, Z)
    assert_allclose(layer.W_grad, X.T @ dZ, rtol=1e-12)
    layer.backward(X, A, upstream.copy(), None, Z + 1.0)
    assert not np.allclose(layer.W_grad, X.T @ dZ)


def test_backward_closed_form_for_tanh():
    layer = make_dense("tanh")
    X, upstream = random_batch()
    A = layer.forward(X, np.empty((N_SAMPLES, FAN_OUT)))
    dZ = upstream * (1 - A**2)  # dJ/dZ for tanh
    X_delta = layer.backward(X, A, upstream.copy(), np.empty_like(X))
    assert_allclose(layer.W_grad, X.T @ dZ, rtol=1e-12)
    assert_allclose(layer.b_grad, dZ.sum(axis=0), rtol=1e-12)
    assert_allclose(X_delta, dZ @ layer.W.T, rtol=1e-12)


def test_backward_turns_delta_into_preactivation_error_in_place():
    layer = make_dense("logistic")
    X, upstream = random_batch()
    A = layer.forward(X, np.empty((N_SAMPLES, FAN_OUT)))
    delta = upstream.copy()
    layer.backward(X, A, delta, np.empty_like(X))
    assert_allclose(delta, upstream * A * (1 - A), rtol=1e-12)


def test_backward_never_changes_weights():
    layer = make_dense("relu")
    W_before, b_before = layer.W.copy(), layer.b.copy()
    X, upstream = random_batch()
    A = layer.forward(X, np.empty((N_SAMPLES, FAN_OUT)))
    layer.backward(X, A, upstream, np.empty_like(X))
    assert_array_equal(layer.W, W_before)
    assert_array_equal(layer.b, b_before)


def test_first_layer_skips_the_input_error():
    layer = make_dense("identity")
    X, upstream = random_batch()
    A = layer.forward(X, np.empty((N_SAMPLES, FAN_OUT)))
    assert layer.backward(X, A, upstream, None) is None
    assert_allclose(layer.W_grad, X.T @ upstream, rtol=1e-12)


def test_gradients_land_in_the_given_views():
    flat_grads = np.zeros(FAN_IN * FAN_OUT + FAN_OUT)
    W_grad = flat_grads[: FAN_IN * FAN_OUT].reshape(FAN_IN, FAN_OUT)
    b_grad = flat_grads[FAN_IN * FAN_OUT :]
    reference = make_dense("identity")
    layer = Dense(reference.W, reference.b, W_grad, b_grad, ACTIVATIONS["identity"])
    X, upstream = random_batch()
    layer.backward(X, layer.forward(X, np.empty((N_SAMPLES, FAN_OUT))), upstream.copy())
    expected = np.concatenate([(X.T @ upstream).ravel(), upstream.sum(axis=0)])
    assert_allclose(flat_grads, expected, rtol=1e-12)


@pytest.mark.parametrize("sparse_format", [sp.csr_matrix, sp.csc_matrix])
def test_sparse_input_matches_dense_input(sparse_format):
    dense_layer, sparse_layer = make_dense("relu"), make_dense("relu")
    X, upstream = random_batch()
    dense_A = dense_layer.forward(X, np.empty((N_SAMPLES, FAN_OUT)))
    sparse_A = sparse_layer.forward(sparse_format(X), np.empty((N_SAMPLES, FAN_OUT)))
    dense_layer.backward(X, dense_A, upstream.copy())
    sparse_layer.backward(sparse_format(X), sparse_A, upstream.copy())
    assert_allclose(sparse_A, dense_A, rtol=1e-12)
    assert_allclose(sparse_layer.W_grad, dense_layer.W_grad, rtol=1e-12)
    assert_allclose(sparse_layer.b_grad, dense_layer.b_grad, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_layer_stays_float32(name):
    layer = make_dense(name, np.float32)
    X, upstream = random_batch(np.float32)
    Z = preactivation_buffer(layer, np.float32)
    A = layer.forward(X, np.empty((N_SAMPLES, FAN_OUT), np.float32), Z)
    X_delta = layer.backward(X, A, upstream, np.empty_like(X), Z)
    assert A.dtype == X_delta.dtype == np.float32
    assert layer.W_grad.dtype == layer.b_grad.dtype == np.float32
    reference = make_dense(name, np.float64)
    expected = reference.forward(X.astype(np.float64), np.empty(A.shape))
    assert_allclose(A, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_mask_keeps_about_one_minus_rate_scaled_up(rate, dtype):
    mask = np.empty((2000, 50), dtype)
    result = draw_dropout_mask(rate, np.random.RandomState(0), mask)
    assert result is mask
    assert mask.dtype == dtype
    kept = mask != 0
    assert kept.mean() == pytest.approx(1 - rate, abs=0.01)  # 1e5 draws: sd < 0.002
    assert_allclose(mask[kept], 1 / (1 - rate), rtol=1e-6)
    assert mask.mean() == pytest.approx(1.0, abs=0.02)  # inverted: E[mask] = 1


def test_dropout_mask_comes_from_the_given_rng_only():
    first = draw_dropout_mask(0.5, np.random.RandomState(3), np.empty((40, 5)))
    np.random.seed(7)  # the global state plays no part
    again = draw_dropout_mask(0.5, np.random.RandomState(3), np.empty((40, 5)))
    other = draw_dropout_mask(0.5, np.random.RandomState(4), np.empty((40, 5)))
    assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_dropout_rate_zero_keeps_everything():
    mask = draw_dropout_mask(0.0, np.random.RandomState(0), np.empty((30, 4)))
    assert_array_equal(mask, 1.0)
