"""Hidden-layer activations: closed forms, in-place contracts and extreme inputs."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import erfc

from skperceptron._core import ACTIVATIONS


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def normal_cdf(z):
    # (1 + erf(x)) / 2 written as erfc(-x) / 2, which keeps its digits for z << 0
    return 0.5 * erfc(-z / np.sqrt(2.0))


def normal_density(z):
    return np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)


# f(z) and f'(z) written out independently of the implementation.
REFERENCE_FUNCTIONS = {
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
    "logistic": (
        lambda z: 1.0 / (1.0 + np.exp(-z)),
        lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2,
    ),
    "tanh": (np.tanh, lambda z: 1.0 / np.cosh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, 0.01 * z),
        lambda z: np.where(z > 0, 1.0, 0.01),
    ),
    "elu": (
        lambda z: np.where(z > 0, z, np.exp(z) - 1.0),
        lambda z: np.where(z > 0, 1.0, np.exp(z)),
    ),
    "gelu": (
        lambda z: z * normal_cdf(z),
        lambda z: normal_cdf(z) + z * normal_density(z),
    ),
    "softplus": (lambda z: np.log(1.0 + np.exp(z)), sigmoid),
    "silu": (
        lambda z: z * sigmoid(z),
        lambda z: sigmoid(z) * (1.0 + z * (1.0 - sigmoid(z))),
    ),
}

MODERATE_Z = np.array([[-3.0, -0.5, 0.25, 2.0], [-1.0, 0.75, 4.0, -7.0]])
EXTREME_Z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])
FAR_FROM_ZERO = np.abs(EXTREME_Z) >= 50


def derivative_as_a_layer_calls_it(activation, Z, delta):
    """f'(Z) * delta, passing ``Z`` only if the class declares it needs it.

    Forward runs on a copy, so ``Z`` keeps the pre-activations, as the
    separate buffer a layer keeps for such activations does.
    """
    A = activation.forward(Z.copy())
    preactivation = Z if activation.needs_preactivation else None
    return A, activation.derivative(A, delta, preactivation)


def test_every_activation_has_a_reference():
    assert set(ACTIVATIONS) == set(REFERENCE_FUNCTIONS)


def test_only_gelu_and_silu_keep_the_preactivation():
    # the others take f' from the output, with no extra buffer or pass
    needs_Z = {name for name, cls in ACTIVATIONS.items() if cls.needs_preactivation}
    assert needs_Z == {"gelu", "silu"}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_matches_closed_form(name):
    reference_forward, _ = REFERENCE_FUNCTIONS[name]
    output = ACTIVATIONS[name].forward(MODERATE_Z.copy())
    assert_allclose(output, reference_forward(MODERATE_Z), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_closed_form(name):
    _, reference_derivative = REFERENCE_FUNCTIONS[name]
    upstream = np.full(MODERATE_Z.shape, 2.0)
    _, result = derivative_as_a_layer_calls_it(
        ACTIVATIONS[name], MODERATE_Z.copy(), upstream
    )
    # 1 - tanh(z)**2 cancels digits for large |z|, hence not 1e-12
    assert_allclose(result, 2.0 * reference_derivative(MODERATE_Z), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_from_the_reference_output(name):
    """f' from an output computed elsewhere, as the declared inputs allow."""
    reference_forward, reference_derivative = REFERENCE_FUNCTIONS[name]
    activation = ACTIVATIONS[name]
    Z = MODERATE_Z.copy() if activation.needs_preactivation else None
    result = activation.derivative(
        reference_forward(MODERATE_Z), np.full(MODERATE_Z.shape, 2.0), Z
    )
    assert_allclose(result, 2.0 * reference_derivative(MODERATE_Z), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_overwrites_its_input(name):
    Z = MODERATE_Z.copy()
    output = ACTIVATIONS[name].forward(Z)
    assert output is Z
    assert_allclose(Z, REFERENCE_FUNCTIONS[name][0](MODERATE_Z), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_scales_delta_in_place_and_keeps_its_inputs(name):
    Z = MODERATE_Z.copy()
    delta = np.ones_like(Z)
    A_before = ACTIVATIONS[name].forward(MODERATE_Z.copy())
    A, result = derivative_as_a_layer_calls_it(ACTIVATIONS[name], Z, delta)
    assert result is delta
    assert_array_equal(A, A_before)
    assert_array_equal(Z, MODERATE_Z)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_stays_float32(name):
    Z = MODERATE_Z.astype(np.float32)
    A, delta = derivative_as_a_layer_calls_it(ACTIVATIONS[name], Z, np.ones_like(Z))
    assert A.dtype == np.float32
    assert delta.dtype == np.float32
    reference_forward, reference_derivative = REFERENCE_FUNCTIONS[name]
    assert_allclose(A, reference_forward(MODERATE_Z), rtol=1e-5, atol=1e-6)
    assert_allclose(delta, reference_derivative(MODERATE_Z), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_extreme_inputs_raise_no_warning_and_stay_finite(name, dtype):
    Z = EXTREME_Z.astype(dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        A, delta = derivative_as_a_layer_calls_it(ACTIVATIONS[name], Z, np.ones_like(Z))
    assert A.dtype == delta.dtype == dtype
    assert np.all(np.isfinite(A))
    assert np.all(np.isfinite(delta))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["gelu", "silu", "softplus"])
def test_smooth_units_become_relu_far_from_zero(name, dtype):
    """At |z| >= 50 the smooth ReLUs equal max(z, 0) and their slope the step."""
    Z = EXTREME_Z.astype(dtype)
    A, slope = derivative_as_a_layer_calls_it(ACTIVATIONS[name], Z, np.ones_like(Z))
    far = FAR_FROM_ZERO
    assert_allclose(A[far], np.maximum(EXTREME_Z[far], 0), rtol=1e-6, atol=1e-20)
    assert_allclose(slope[far], EXTREME_Z[far] > 0, rtol=1e-6, atol=1e-20)


def test_elu_saturates_at_minus_alpha_with_a_vanishing_slope():
    A, slope = derivative_as_a_layer_calls_it(
        ACTIVATIONS["elu"], EXTREME_Z.copy(), np.ones_like(EXTREME_Z)
    )
    assert_array_equal(A[:2], [-1.0, -1.0])
    assert_array_equal(A[-3:], EXTREME_Z[-3:])
    assert_array_equal(slope[[0, 1, -1]], [0.0, 0.0, 1.0])


def test_softplus_keeps_its_digits_far_below_zero():
    """Tiny outputs still give the sigmoid slope, not a cancelled 1 - 1."""
    Z = np.array([-50.0, -30.0])
    A, slope = derivative_as_a_layer_calls_it(ACTIVATIONS["softplus"], Z, np.ones(2))
    assert_allclose(A, np.exp(Z), rtol=1e-12)
    assert_allclose(slope, np.exp(Z), rtol=1e-12)


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


def test_leaky_relu_keeps_a_small_slope_below_zero():
    A = ACTIVATIONS["leaky_relu"].forward(np.array([-2.0, 0.0, 3.0]))
    slope = ACTIVATIONS["leaky_relu"].derivative(A, np.array([5.0, 5.0, 5.0]))
    assert_array_equal(A, [-0.02, 0.0, 3.0])
    assert_allclose(slope, [0.05, 0.05, 5.0], rtol=1e-15)
