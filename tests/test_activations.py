"""Hidden-layer activations: closed forms, in-place contracts and extreme inputs."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skperceptron._core import ACTIVATIONS

# f(z) and f'(z) written out independently of the implementation.
REFERENCE_FUNCTIONS = {
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
    "logistic": (
        lambda z: 1.0 / (1.0 + np.exp(-z)),
        lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2,
    ),
    "tanh": (np.tanh, lambda z: 1.0 / np.cosh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: (z > 0).astype(z.dtype)),
}

MODERATE_Z = np.array([[-3.0, -0.5, 0.25, 2.0], [-1.0, 0.75, 4.0, -7.0]])
EXTREME_Z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])


def test_every_activation_has_a_reference():
    assert set(ACTIVATIONS) == set(REFERENCE_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_matches_closed_form(name):
    reference_forward, _ = REFERENCE_FUNCTIONS[name]
    output = ACTIVATIONS[name].forward(MODERATE_Z.copy())
    assert_allclose(output, reference_forward(MODERATE_Z), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_from_output_matches_closed_form(name):
    reference_forward, reference_derivative = REFERENCE_FUNCTIONS[name]
    upstream = np.full(MODERATE_Z.shape, 2.0)
    A = reference_forward(MODERATE_Z)
    result = ACTIVATIONS[name].derivative(A, upstream)
    # 1 - tanh(z)**2 cancels digits for large |z|, hence not 1e-12
    assert_allclose(result, 2.0 * reference_derivative(MODERATE_Z), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_overwrites_its_input(name):
    Z = MODERATE_Z.copy()
    output = ACTIVATIONS[name].forward(Z)
    assert output is Z
    assert_allclose(Z, REFERENCE_FUNCTIONS[name][0](MODERATE_Z), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_scales_delta_in_place_and_keeps_output(name):
    A = ACTIVATIONS[name].forward(MODERATE_Z.copy())
    A_before = A.copy()
    delta = np.ones_like(A)
    result = ACTIVATIONS[name].derivative(A, delta)
    assert result is delta
    assert_array_equal(A, A_before)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_stays_float32(name):
    Z = MODERATE_Z.astype(np.float32)
    A = ACTIVATIONS[name].forward(Z)
    delta = ACTIVATIONS[name].derivative(A, np.ones_like(A))
    assert A.dtype == np.float32
    assert delta.dtype == np.float32


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_extreme_inputs_raise_no_warning_and_stay_finite(name):
    Z = EXTREME_Z.copy()
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        A = ACTIVATIONS[name].forward(Z)
        delta = ACTIVATIONS[name].derivative(A, np.ones_like(A))
    assert np.all(np.isfinite(A))
    assert np.all(np.isfinite(delta))


def test_logistic_saturates_inside_unit_interval():
    A = ACTIVATIONS["logistic"].forward(EXTREME_Z.copy())
    assert np.all((A >= 0.0) & (A <= 1.0))
    assert_allclose(A[[0, 1, -2, -1]], [0.0, 0.0, 1.0, 1.0], atol=1e-300)
    assert A[3] == 0.5


def test_tanh_saturates_at_plus_minus_one():
    A = ACTIVATIONS["tanh"].forward(EXTREME_Z.copy())
    assert_array_equal(A[[0, 1, -2, -1]], [-1.0, -1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("name", "slope_at_zero"), [("logistic", 0.25), ("tanh", 1.0), ("identity", 1.0)]
)
def test_slope_at_zero(name, slope_at_zero):
    A = ACTIVATIONS[name].forward(np.zeros(1))
    assert ACTIVATIONS[name].derivative(A, np.ones(1))[0] == slope_at_zero


def test_relu_slope_is_zero_where_the_output_is_zero():
    A = ACTIVATIONS["relu"].forward(np.array([-2.0, 0.0, 3.0]))
    slope = ACTIVATIONS["relu"].derivative(A, np.array([5.0, 5.0, 5.0]))
    assert_array_equal(slope, [0.0, 0.0, 5.0])
