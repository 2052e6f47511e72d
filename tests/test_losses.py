"""Data losses and their output links: closed forms, references and clipping."""

import inspect
from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import log_loss, mean_poisson_deviance, mean_squared_error

from skperceptron._core import LOSSES

# scikit-learn's MLP calls these output activations by the same names.
EXPECTED_LINK_NAMES = {
    "squared_error": "identity",
    "huber": "identity",
    "absolute_error": "identity",
    "poisson": "exp",
    "binary_log_loss": "logistic",
    "log_loss": "softmax",
    "perceptron": "identity",
}
# Losses paired with their canonical link, whose raw gradient is ``out - Y``.
CANONICAL = sorted(set(LOSSES) - {"perceptron", "huber", "absolute_error"})
CLIPPED_LOG = -np.log(np.finfo(np.float64).eps)  # the cost of a certain mistake
# Residuals ``out - Y`` on both sides of 1 and 2 and at least 0.2 from 0, 1, 2:
# the kinks of absolute error and of Huber's curvature at delta = 1 and 2.
RESIDUALS = np.array(
    [
        [-3.5, -1.4, 0.4],
        [2.7, -0.3, 1.6],
        [0.8, 4.1, -2.3],
        [-0.6, 2.2, 1.3],
        [-1.7, 0.2, -2.6],
    ]
)


def huber_reference(residual, delta):
    """Huber's piecewise definition, element by element."""
    size = np.abs(residual)
    return np.where(size <= delta, 0.5 * residual**2, delta * (size - 0.5 * delta))


# (registry key, loss_params) of the robust losses, as a Network would build them
ROBUST_LOSSES = [
    pytest.param("huber", {}, id="huber"),
    pytest.param("huber", {"delta": 2.0}, id="huber-2"),
    pytest.param("absolute_error", {}, id="absolute_error"),
]


def robust_reference(name, params):
    """The per-element loss of the residual, written out here independently."""
    if name == "absolute_error":
        return np.abs
    return partial(huber_reference, delta=params.get("delta", 1.0))


def overflow_raises():
    """Overflow, invalid and divide-by-zero raise; underflow to 0 is the answer."""
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


def normalised(sample_weight):
    return sample_weight / sample_weight.sum()


def residual_problem(seed=0, weighting="weighted"):
    """Outputs, targets ``out - RESIDUALS`` and normalised weights (or None)."""
    rng = np.random.RandomState(seed)
    out = rng.normal(size=RESIDUALS.shape)
    weights = None
    if weighting == "weighted":
        weights = normalised(rng.uniform(0.1, 2.0, size=RESIDUALS.shape[0]))
    return out - RESIDUALS, out, weights


def numerical_raw_gradient(loss, Y, out, weights, step=1e-6):
    """Central differences of ``loss.value`` in each entry of ``out``.

    For an identity link the output is the raw score, so this is dJ/draw.
    """
    gradient = np.empty_like(out)
    for index in np.ndindex(out.shape):
        bump = np.zeros_like(out)
        bump[index] = step
        upper = loss.value(Y, out + bump, weights)
        lower = loss.value(Y, out - bump, weights)
        gradient[index] = (upper - lower) / (2 * step)
    return gradient


def test_every_loss_names_its_link():
    link_names = {name: loss.link_name for name, loss in LOSSES.items()}
    assert link_names == EXPECTED_LINK_NAMES


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_link_overwrites_raw_scores(name):
    raw = np.array([[0.5, -1.0, 2.0]])
    assert LOSSES[name].link(raw) is raw


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_link_is_static_so_prediction_needs_no_instance(name):
    assert isinstance(inspect.getattr_static(LOSSES[name], "link"), staticmethod)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_builds_without_parameters(name):
    loss = LOSSES[name]()  # what the Network does when given no loss_params
    assert loss.link_name == EXPECTED_LINK_NAMES[name]


def test_huber_delta_defaults_to_one_and_is_kept():
    assert LOSSES["huber"]().delta == 1.0
    assert LOSSES["huber"](delta=2.0).delta == 2.0


@pytest.mark.parametrize("name", CANONICAL)
def test_raw_gradient_is_output_minus_target_over_n(name):
    out = np.array([[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    delta = np.empty_like(out)
    result = LOSSES[name]().raw_gradient(Y, out, None, delta)
    assert result is delta
    assert_allclose(delta, (out - Y) / 3)


@pytest.mark.parametrize("name", CANONICAL)
def test_weighted_raw_gradient_scales_each_row(name):
    out = np.array([[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    weights = np.array([0.5, 0.0, 0.5])
    delta = LOSSES[name]().raw_gradient(Y, out, weights, np.empty_like(out))
    assert_allclose(delta, [[0.1, -0.1], [0.0, 0.0], [-0.05, 0.05]])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_uniform_weights_equal_the_plain_mean(name):
    rng = np.random.RandomState(0)
    out = rng.uniform(0.05, 0.95, size=(6, 2))
    Y = rng.randint(2, size=(6, 2)).astype(float)
    uniform = np.full(6, 1 / 6)
    loss = LOSSES[name]()
    assert_allclose(loss.value(Y, out, uniform), loss.value(Y, out, None))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_zero_weight_rows_do_not_count(name):
    out = np.array([[0.3, 0.7], [0.6, 0.4]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    Y_changed = np.array([[0.0, 1.0], [0.0, 1.0]])
    weights = np.array([1.0, 0.0])
    loss = LOSSES[name]()
    assert loss.value(Y, out, weights) == loss.value(Y_changed, out, weights)
    assert loss.value(Y, out, weights) == loss.value(Y[:1], out[:1], None)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_float32_gradient_stays_float32(name):
    out = np.array([[0.2, 0.8]], dtype=np.float32)
    Y = np.array([[0.0, 1.0]], dtype=np.float32)
    loss = LOSSES[name]()
    delta = np.empty_like(out)
    assert loss.raw_gradient(Y, out, np.array([1.0]), delta) is delta
    assert delta.dtype == np.float32
    assert np.isfinite(loss.value(Y, out, None))


@pytest.mark.parametrize("weighting", ["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_value_and_raw_gradient_equal_the_separate_calls(name, weighting):
    rng = np.random.RandomState(5)
    out = rng.uniform(0.05, 0.95, size=(6, 2))
    Y = rng.randint(2, size=(6, 2)).astype(float)
    weights = normalised(rng.uniform(0.1, 2.0, 6)) if weighting == "weighted" else None
    loss = LOSSES[name]()
    fused_delta = np.empty_like(out)
    fused_value = loss.value_and_raw_gradient(Y, out, weights, fused_delta)
    assert fused_value == pytest.approx(loss.value(Y, out, weights), rel=1e-12)
    separate_delta = loss.raw_gradient(Y, out, weights, np.empty_like(out))
    assert_allclose(fused_delta, separate_delta, rtol=1e-12)


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
    loss = LOSSES[name]()
    loss.value(Y, out, np.array([0.5, 0.5]))
    loss.raw_gradient(Y, out, None, np.empty_like(out))
    loss.value_and_raw_gradient(Y, out, None, np.empty_like(out))
    assert_array_equal(out, out_before)
    assert_array_equal(Y, Y_before)


def test_perceptron_gradient_pushes_only_mistakes():
    # margins y * z: 2.0 (right), -0.5 (wrong), 0.0 (on the boundary counts as wrong)
    out = np.array([[2.0], [0.5], [0.0]])
    Y = np.array([[1.0], [-1.0], [1.0]])
    delta = LOSSES["perceptron"].raw_gradient(Y, out, None, np.empty_like(out))
    np.testing.assert_allclose(delta, [[0.0], [1.0 / 3], [-1.0 / 3]])
    assert LOSSES["perceptron"].value(Y, out, None) == pytest.approx(0.5 / 3)


def test_huber_closed_form():
    huber = LOSSES["huber"](delta=2.0)
    Y = np.zeros((3, 2))
    out = np.array([[-3.0, 0.5], [1.0, 5.0], [-2.0, 0.0]])  # residuals = out
    # per sample: 2 (3 - 1) + 0.5 * 0.25 = 4.125, 0.5 + 2 (5 - 1) = 8.5,
    # 0.5 * 4 + 0 = 2 (at |r| = delta both pieces give 2)
    assert huber.value(Y, out) == pytest.approx((4.125 + 8.5 + 2.0) / 3)
    weights = np.array([0.5, 0.25, 0.25])
    assert huber.value(Y, out, weights) == pytest.approx(4.6875)
    delta = huber.raw_gradient(Y, out, weights, np.empty_like(out))
    assert_allclose(delta, [[-1.0, 0.25], [0.25, 0.5], [-0.5, 0.0]])


def test_absolute_error_closed_form():
    absolute = LOSSES["absolute_error"]()
    Y = np.array([[1.0, 1.0], [0.0, -2.0], [0.5, 0.5]])
    out = np.array([[-2.0, 1.5], [1.0, 3.0], [-1.5, 0.5]])
    # |out - Y| per sample: 3 + 0.5, 1 + 5, 2 + 0
    assert absolute.value(Y, out) == pytest.approx((3.5 + 6.0 + 2.0) / 3)
    weights = np.array([0.5, 0.25, 0.25])
    assert absolute.value(Y, out, weights) == pytest.approx(3.75)
    delta = absolute.raw_gradient(Y, out, weights, np.empty_like(out))
    assert_allclose(delta, [[-0.5, 0.5], [0.25, 0.25], [-0.25, 0.0]])  # sign(0) = 0


@pytest.mark.parametrize("weighting", ["unweighted", "weighted"])
@pytest.mark.parametrize("name, params", ROBUST_LOSSES)
def test_robust_loss_is_mean_over_samples_of_sum_over_outputs(name, params, weighting):
    Y, out, weights = residual_problem(seed=1, weighting=weighting)
    per_sample = robust_reference(name, params)(out - Y).sum(axis=1)
    expected = np.average(per_sample, weights=weights)
    assert LOSSES[name](**params).value(Y, out, weights) == pytest.approx(expected)


def test_huber_is_half_squared_error_inside_delta():
    rng = np.random.RandomState(2)
    out = rng.normal(size=(20, 3))
    Y = out - rng.uniform(-2.0, 2.0, size=out.shape)
    weights = normalised(rng.uniform(0.1, 2.0, size=20))
    huber, squared = LOSSES["huber"](delta=2.0), LOSSES["squared_error"]()
    assert huber.value(Y, out, weights) == pytest.approx(
        squared.value(Y, out, weights), rel=1e-12
    )
    assert_allclose(
        huber.raw_gradient(Y, out, weights, np.empty_like(out)),
        squared.raw_gradient(Y, out, weights, np.empty_like(out)),
        rtol=1e-12,
    )


def test_huber_grows_linearly_beyond_delta():
    huber = LOSSES["huber"](delta=2.0)
    Y = np.zeros((2, 2))
    out = np.array([[2.5, -3.0], [-7.0, 40.0]])  # every residual beyond delta
    # per element 2 (|r| - 1): (3 + 4 + 12 + 78) / 2 samples
    assert huber.value(Y, out) == pytest.approx(48.5)
    further = out + 1.5 * np.sign(out)
    # each of the 4 residuals moved 1.5 outwards adds delta * 1.5, over 2 samples
    assert huber.value(Y, further) - huber.value(Y, out) == pytest.approx(6.0)


@pytest.mark.parametrize("weighting", ["unweighted", "weighted"])
@pytest.mark.parametrize("name, params", ROBUST_LOSSES)
def test_robust_raw_gradient_matches_finite_differences(name, params, weighting):
    Y, out, weights = residual_problem(seed=3, weighting=weighting)
    loss = LOSSES[name](**params)
    analytic = loss.raw_gradient(Y, out, weights, np.empty_like(out))
    numerical = numerical_raw_gradient(loss, Y, out, weights)
    assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-9)


def test_huber_gradient_is_bounded_by_delta_unlike_squared_error():
    Y = np.zeros((3, 1))
    out = np.array([[0.5], [-0.2], [1000.0]])  # the last sample is an outlier
    huber = LOSSES["huber"](delta=2.0)
    huber_delta = huber.raw_gradient(Y, out, None, np.empty_like(out))
    squared_delta = LOSSES["squared_error"]().raw_gradient(
        Y, out, None, np.empty_like(out)
    )
    assert_allclose(huber_delta, [[0.5 / 3], [-0.2 / 3], [2.0 / 3]])
    assert squared_delta[2, 0] == pytest.approx(1000.0 / 3)


def test_absolute_error_gradient_is_the_sign_whatever_the_size():
    Y = np.zeros((3, 1))
    out = np.array([[1e-3], [-0.2], [1000.0]])
    absolute = LOSSES["absolute_error"]()
    delta = absolute.raw_gradient(Y, out, None, np.empty_like(out))
    assert_allclose(delta, [[1 / 3], [-1 / 3], [1 / 3]])


@pytest.mark.parametrize("name, params", ROBUST_LOSSES)
def test_robust_losses_stay_float32(name, params):
    Y, out, _ = residual_problem(seed=4, weighting="unweighted")
    Y32, out32 = Y.astype(np.float32), out.astype(np.float32)
    loss = LOSSES[name](**params)
    delta = np.empty_like(out32)
    value32 = loss.value_and_raw_gradient(Y32, out32, None, delta)
    assert loss.raw_gradient(Y32, out32, None, delta) is delta
    assert delta.dtype == np.float32
    assert value32 == pytest.approx(loss.value(Y, out), rel=1e-5)
    float64_delta = loss.raw_gradient(Y, out, None, np.empty_like(out))
    assert_allclose(delta, float64_delta, rtol=1e-5)
