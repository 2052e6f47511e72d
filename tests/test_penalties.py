"""Weight penalties: closed-form values, in-place gradients, elastic-net limits."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skperceptron._core import PENALTIES

COEFS = np.array([0.5, -2.0, 0.0, 1.5])
ALPHA = 0.2
SUM_OF_SQUARES, SUM_OF_ABS = 0.25 + 4.0 + 0.0 + 2.25, 0.5 + 2.0 + 0.0 + 1.5
SIGNS = np.array([1.0, -1.0, 0.0, 1.0])  # sub-gradient of |w|, 0 at w = 0


def expected_value(name, l1_ratio):
    l2_part = 0.5 * ALPHA * SUM_OF_SQUARES
    l1_part = ALPHA * SUM_OF_ABS
    return {
        None: 0.0,
        "l2": l2_part,
        "l1": l1_part,
        "elasticnet": l1_ratio * l1_part + (1 - l1_ratio) * l2_part,
    }[name]


def expected_gradient(name, l1_ratio):
    l2_part, l1_part = ALPHA * COEFS, ALPHA * SIGNS
    return {
        None: np.zeros_like(COEFS),
        "l2": l2_part,
        "l1": l1_part,
        "elasticnet": l1_ratio * l1_part + (1 - l1_ratio) * l2_part,
    }[name]


def test_registry_holds_the_four_penalties():
    assert set(PENALTIES) == {None, "l2", "l1", "elasticnet"}


@pytest.mark.parametrize("name", sorted(PENALTIES, key=str))
def test_value_closed_form(name):
    value = PENALTIES[name].value(COEFS.copy(), ALPHA, 0.3)
    assert isinstance(value, float)
    assert value == pytest.approx(expected_value(name, 0.3))


@pytest.mark.parametrize("name", sorted(PENALTIES, key=str))
def test_gradient_is_added_in_place_to_existing_grads(name):
    data_grads = np.array([1.0, 2.0, 3.0, 4.0])
    coef_grads = data_grads.copy()
    result = PENALTIES[name].add_gradient(COEFS.copy(), coef_grads, ALPHA, 0.3)
    assert result is coef_grads
    assert_allclose(coef_grads, data_grads + expected_gradient(name, 0.3))


@pytest.mark.parametrize("name", sorted(PENALTIES, key=str))
def test_zero_alpha_adds_nothing(name):
    coef_grads = np.ones(4)
    PENALTIES[name].add_gradient(COEFS.copy(), coef_grads, 0.0, 0.5)
    assert PENALTIES[name].value(COEFS.copy(), 0.0, 0.5) == 0.0
    assert_array_equal(coef_grads, np.ones(4))


@pytest.mark.parametrize("name", sorted(PENALTIES, key=str))
def test_coefs_are_left_untouched(name):
    coefs = COEFS.copy()
    PENALTIES[name].value(coefs, ALPHA, 0.3)
    PENALTIES[name].add_gradient(coefs, np.zeros(4), ALPHA, 0.3)
    assert_array_equal(coefs, COEFS)


@pytest.mark.parametrize("name", sorted(PENALTIES, key=str))
def test_float32_grads_stay_float32(name):
    coefs = COEFS.astype(np.float32)
    coef_grads = np.zeros(4, dtype=np.float32)
    PENALTIES[name].add_gradient(coefs, coef_grads, ALPHA, 0.3)
    assert coef_grads.dtype == np.float32
    assert_allclose(coef_grads, expected_gradient(name, 0.3), rtol=1e-6)


@pytest.mark.parametrize(("l1_ratio", "pure"), [(1.0, "l1"), (0.0, "l2")])
def test_elastic_net_limits_are_the_pure_penalties(l1_ratio, pure):
    mixed, reference = PENALTIES["elasticnet"], PENALTIES[pure]
    assert mixed.value(COEFS, ALPHA, l1_ratio) == pytest.approx(
        reference.value(COEFS, ALPHA)
    )
    assert_allclose(
        mixed.add_gradient(COEFS, np.zeros(4), ALPHA, l1_ratio),
        reference.add_gradient(COEFS, np.zeros(4), ALPHA),
    )


def test_l1_ignores_l1_ratio():
    assert PENALTIES["l1"].value(COEFS, ALPHA, 0.0) == pytest.approx(ALPHA * SUM_OF_ABS)
