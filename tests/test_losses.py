"""Data losses and their output links: closed forms, references and clipping."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import log_loss, mean_poisson_deviance, mean_squared_error

from skperceptron._core import LOSSES

# scikit-learn's MLP calls these output activations by the same names.
EXPECTED_LINK_NAMES = {
    "squared_error": "identity",
    "poisson": "exp",
    "binary_log_loss": "logistic",
    "log_loss": "softmax",
    "perceptron": "identity",
}
# Losses paired with their canonical link, whose raw gradient is ``out - Y``.
CANONICAL = sorted(set(LOSSES) - {"perceptron"})
CLIPPED_LOG = -np.log(np.finfo(np.float64).eps)  # the cost of a certain mistake


def overflow_raises():
    """Overflow, invalid and divide-by-zero raise; underflow to 0 is the answer."""
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


def normalised(sample_weight):
    return sample_weight / sample_weight.sum()


def test_every_loss_names_its_link():
    link_names = {name: loss.link_name for name, loss in LOSSES.items()}
    assert link_names == EXPECTED_LINK_NAMES


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_link_overwrites_raw_scores(name):
    raw = np.array([[0.5, -1.0, 2.0]])
    assert LOSSES[name].link(raw) is raw


@pytest.mark.parametrize("name", CANONICAL)
def test_raw_gradient_is_output_minus_target_over_n(name):
    out = np.array([[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    delta = np.empty_like(out)
    result = LOSSES[name].raw_gradient(Y, out, None, delta)
    assert result is delta
    assert_allclose(delta, (out - Y) / 3)


@pytest.mark.parametrize("name", CANONICAL)
def test_weighted_raw_gradient_scales_each_row(name):
    out = np.array([[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    weights = np.array([0.5, 0.0, 0.5])
    delta = LOSSES[name].raw_gradient(Y, out, weights, np.empty_like(out))
    assert_allclose(delta, [[0.1, -0.1], [0.0, 0.0], [-0.05, 0.05]])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_uniform_weights_equal_the_plain_mean(name):
    rng = np.random.RandomState(0)
    out = rng.uniform(0.05, 0.95, size=(6, 2))
    Y = rng.randint(2, size=(6, 2)).astype(float)
    uniform = np.full(6, 1 / 6)
    loss = LOSSES[name]
    assert_allclose(loss.value(Y, out, uniform), loss.value(Y, out, None))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_zero_weight_rows_do_not_count(name):
    out = np.array([[0.3, 0.7], [0.6, 0.4]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    Y_changed = np.array([[0.0, 1.0], [0.0, 1.0]])
    weights = np.array([1.0, 0.0])
    loss = LOSSES[name]
    assert loss.value(Y, out, weights) == loss.value(Y_changed, out, weights)
    assert loss.value(Y, out, weights) == loss.value(Y[:1], out[:1], None)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_float32_gradient_stays_float32(name):
    out = np.array([[0.2, 0.8]], dtype=np.float32)
    Y = np.array([[0.0, 1.0]], dtype=np.float32)
    delta = np.empty_like(out)
    LOSSES[name].raw_gradient(Y, out, np.array([1.0]), delta)
    assert delta.dtype == np.float32
    assert np.isfinite(LOSSES[name].value(Y, out, None))


def test_squared_error_closed_form():
    out = np.array([[1.0, 2.0], [0.0, 0.0]])
    Y = np.array([[0.0, 0.0], [0.0, 3.0]])
    # per sample: 0.5 * (1 + 4) = 2.5 and 0.5 * 9 = 4.5
    assert LOSSES["squared_error"].value(Y, out) == pytest.approx(3.5)
    weights = np.array([0.25, 0.75])
    assert LOSSES["squared_error"].value(Y, out, weights) == pytest.approx(4.0)


def test_single_output_losses_match_sklearn_metrics():
    rng = np.random.RandomState(1)
    sample_weight = rng.uniform(0.1, 2.0, size=20)
    weights = normalised(sample_weight)
    y_real, y_count = rng.normal(size=20), rng.poisson(2.0, size=20).astype(float)
    pred_real, pred_positive = rng.normal(size=20), rng.uniform(0.1, 3.0, size=20)
    squared = LOSSES["squared_error"].value(
        y_real[:, None], pred_real[:, None], weights
    )
    poisson = LOSSES["poisson"].value(y_count[:, None], pred_positive[:, None], weights)
    assert squared == pytest.approx(
        mean_squared_error(y_real, pred_real, sample_weight=sample_weight) / 2
    )
    assert poisson == pytest.approx(
        mean_poisson_deviance(y_count, pred_positive, sample_weight=sample_weight) / 2
    )


def test_binary_log_loss_sums_sklearn_log_loss_over_labels():
    rng = np.random.RandomState(2)
    sample_weight = rng.uniform(0.1, 2.0, size=30)
    Y = rng.randint(2, size=(30, 3)).astype(float)
    prob = rng.uniform(0.01, 0.99, size=(30, 3))
    expected = sum(
        log_loss(Y[:, k], prob[:, k], sample_weight=sample_weight) for k in range(3)
    )
    value = LOSSES["binary_log_loss"].value(Y, prob, normalised(sample_weight))
    assert value == pytest.approx(expected)


def test_log_loss_matches_sklearn_log_loss():
    rng = np.random.RandomState(3)
    sample_weight = rng.uniform(0.1, 2.0, size=30)
    labels = rng.randint(4, size=30)
    prob = LOSSES["log_loss"].link(rng.normal(size=(30, 4)))
    value = LOSSES["log_loss"].value(np.eye(4)[labels], prob, normalised(sample_weight))
    expected = log_loss(labels, prob, sample_weight=sample_weight, labels=range(4))
    assert value == pytest.approx(expected)


def test_softmax_rows_sum_to_one_for_huge_logits():
    raw = np.array(
        [[1000.0, 0.0, -1000.0], [800.0, 800.0, 0.0], [-900.0, -901.0, -2e3]]
    )
    with overflow_raises():
        prob = LOSSES["log_loss"].link(raw)
    assert_allclose(prob.sum(axis=1), 1.0)
    assert_allclose(prob[:2], [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], atol=1e-300)
    assert prob[2, 0] == pytest.approx(1 / (1 + np.exp(-1.0)))


def test_softmax_in_float32_does_not_overflow():
    raw = np.array([[100.0, 99.0, -100.0]], dtype=np.float32)  # exp(100) > float32 max
    with overflow_raises():
        prob = LOSSES["log_loss"].link(raw)
    assert prob.dtype == np.float32
    assert_allclose(prob.sum(axis=1), 1.0, rtol=1e-6)


def test_softmax_ignores_a_shift_of_the_logits():
    raw = np.array([[0.3, -1.2, 2.0]])
    shifted = LOSSES["log_loss"].link(raw + 50.0)
    assert_allclose(shifted, LOSSES["log_loss"].link(raw.copy()), rtol=1e-12)


def test_logistic_link_stays_in_unit_interval_without_warnings():
    raw = np.array([[-1e4, -750.0, 0.0, 750.0, 1e4]])
    with overflow_raises():
        prob = LOSSES["binary_log_loss"].link(raw)
    assert_allclose(prob, [[0.0, 0.0, 0.5, 1.0, 1.0]], atol=1e-300)


def test_exp_link_is_exp():
    raw = np.array([[-2.0, 0.0, 1.5]])
    assert_allclose(LOSSES["poisson"].link(raw.copy()), np.exp(raw), rtol=1e-15)


@pytest.mark.parametrize("name", ["log_loss", "binary_log_loss"])
def test_log_losses_are_finite_at_certain_probabilities(name):
    Y = np.array([[1.0, 0.0]])
    certain_and_wrong = np.array([[0.0, 1.0]])
    with overflow_raises():
        wrong = LOSSES[name].value(Y, certain_and_wrong)
        right = LOSSES[name].value(Y, Y.copy())
    n_clipped_terms = 1 if name == "log_loss" else 2
    assert wrong == pytest.approx(n_clipped_terms * CLIPPED_LOG)
    assert right == pytest.approx(0.0, abs=1e-12)


def test_poisson_deviance_is_zero_at_the_targets_and_handles_zero_counts():
    Y = np.array([[0.0, 2.0], [3.0, 0.0]])
    assert LOSSES["poisson"].value(Y, np.where(Y > 0, Y, 1e-300)) == pytest.approx(0.0)
    out = np.array([[0.5, 2.0], [3.0, 1.5]])
    # only the zero counts contribute, each with its prediction: (0.5 + 1.5) / 2
    assert LOSSES["poisson"].value(Y, out) == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_value_and_gradient_leave_inputs_untouched(name):
    out = np.array([[0.25, 0.75], [0.5, 0.5]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    out_before, Y_before = out.copy(), Y.copy()
    LOSSES[name].value(Y, out, np.array([0.5, 0.5]))
    LOSSES[name].raw_gradient(Y, out, None, np.empty_like(out))
    assert_array_equal(out, out_before)
    assert_array_equal(Y, Y_before)


def test_perceptron_gradient_pushes_only_mistakes():
    # margins y * z: 2.0 (right), -0.5 (wrong), 0.0 (on the boundary counts as wrong)
    out = np.array([[2.0], [0.5], [0.0]])
    Y = np.array([[1.0], [-1.0], [1.0]])
    delta = LOSSES["perceptron"].raw_gradient(Y, out, None, np.empty_like(out))
    np.testing.assert_allclose(delta, [[0.0], [1.0 / 3], [-1.0 / 3]])
    assert LOSSES["perceptron"].value(Y, out, None) == pytest.approx(0.5 / 3)
