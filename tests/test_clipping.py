"""Gradient clipping by global norm: scaled to the limit, direction kept."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skperceptron._core import clip_by_global_norm

GRADS = np.array([3.0, 0.0, -4.0, 12.0])  # L2 norm 13


def test_a_long_gradient_is_scaled_to_the_limit_in_place():
    buffer = np.concatenate([GRADS, [7.0]])
    grads = buffer[:4]  # a view, as the network's flat gradient is
    norm = clip_by_global_norm(grads, 6.5)
    assert norm == 13.0
    assert_allclose(np.linalg.norm(grads), 6.5, rtol=1e-15)
    assert_allclose(grads, GRADS / 2, rtol=1e-15)  # same direction, half as long
    assert_array_equal(buffer[:4], grads)
    assert buffer[4] == 7.0


@pytest.mark.parametrize("max_norm", [13.0, 13.5, 20.0])
def test_a_gradient_within_the_limit_is_left_alone(max_norm):
    grads = GRADS.copy()
    data_before = grads.__array_interface__["data"][0]
    norm = clip_by_global_norm(grads, max_norm)
    assert norm == 13.0
    assert_array_equal(grads, GRADS)
    assert grads.__array_interface__["data"][0] == data_before


def test_float32_stays_float32():
    grads = GRADS.astype(np.float32)
    norm = clip_by_global_norm(grads, 1.0)
    assert grads.dtype == np.float32
    assert norm == pytest.approx(13.0, rel=1e-7)
    assert_allclose(grads, GRADS / 13, rtol=1e-6)


@pytest.mark.filterwarnings("error")
def test_an_exploding_float32_gradient_whose_square_overflows():
    # 4e20 ** 2 = 1.6e41 is beyond float32's 3.4e38
    grads = np.array([3e20, -4e20], dtype=np.float32)
    norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(5e20, rel=1e-6)
    assert_allclose(grads, [0.6, -0.8], rtol=1e-6)


@pytest.mark.parametrize("bad_entry", [np.nan, np.inf])
@pytest.mark.filterwarnings("error")
def test_a_non_finite_gradient_has_a_nan_norm_and_is_not_clipped(bad_entry):
    grads = np.array([bad_entry, 1.0])
    assert np.isnan(clip_by_global_norm(grads, 1e-3))
    assert grads[1] == 1.0
