"""NoImprovement: scikit-learn's counting rules in loss mode and score mode."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skperceptron._core import NoImprovement


def record(monitor, values):
    """(improved?, count) after each value fed to ``monitor``."""
    return [(monitor.update(value), monitor.count) for value in values]


def test_loss_mode_counts_epochs_not_beating_best_by_tol():
    monitor = NoImprovement(0.1, 2, metric="loss")
    history = record(monitor, [1.0, 0.95, 0.8, 0.85, 0.82, 0.6])
    # 0.95 improves the best but not by tol: best moves, the counter grows.
    assert history == [
        (True, 0),
        (True, 1),
        (True, 0),
        (False, 1),
        (False, 2),
        (True, 0),
    ]
    assert monitor.best == 0.6


def test_score_mode_counts_epochs_not_beating_best_by_tol():
    monitor = NoImprovement(0.1, 2, metric="validation_score")
    history = record(monitor, [0.5, 0.55, 0.7, 0.65, 0.68, 0.9])
    assert history == [
        (True, 0),
        (True, 1),
        (True, 0),
        (False, 1),
        (False, 2),
        (True, 0),
    ]
    assert monitor.best == 0.9


@pytest.mark.parametrize(
    ("metric", "values"),
    [("loss", [1.0, 1.5, 2.0, 2.5]), ("validation_score", [0.5, 0.4, 0.3, 0.1])],
)
def test_stops_once_count_exceeds_n_iter_no_change(metric, values):
    monitor = NoImprovement(0.0, 2, metric=metric)
    should_stop = []
    for value in values:
        monitor.update(value)
        should_stop.append(monitor.should_stop)
    assert should_stop == [False, False, False, True]


def test_matching_the_best_with_zero_tol_resets_the_count():
    # scikit-learn counts only values worse than ``best - tol`` (for a loss),
    # so equalling the best with tol=0 neither improves nor counts.
    monitor = NoImprovement(0.0, 5, metric="loss")
    record(monitor, [1.0, 1.5])
    assert monitor.count == 1
    assert monitor.update(1.0) is False
    assert monitor.count == 0


def test_first_value_always_improves():
    for metric in ("loss", "validation_score"):
        monitor = NoImprovement(1e9, 3, metric=metric)
        assert monitor.update(123.0) is True
        assert monitor.count == 0
        assert monitor.best == 123.0


def test_state_carried_over_from_an_earlier_call():
    monitor = NoImprovement(0.0, 2, metric="loss", best=0.5, count=2)
    assert monitor.update(0.6) is False
    assert monitor.count == 3 and monitor.should_stop
    monitor.reset_count()
    assert monitor.count == 0 and not monitor.should_stop
    assert monitor.best == 0.5


def test_infinite_patience_never_stops():
    monitor = NoImprovement(0.0, np.inf, metric="loss")
    record(monitor, np.arange(1.0, 51.0))  # a loss that only gets worse
    assert monitor.count == 49
    assert not monitor.should_stop


def test_best_params_is_a_copy_taken_only_on_improvement():
    monitor = NoImprovement(0.0, 5, metric="validation_score")
    params = np.array([1.0, 2.0])
    monitor.update(0.8, params)
    params += 10.0  # training moves on; the snapshot must not follow
    monitor.update(0.6, params)
    assert_array_equal(monitor.best_params, [1.0, 2.0])
    monitor.update(0.9, params)
    assert_array_equal(monitor.best_params, [11.0, 12.0])


def test_no_snapshot_without_params():
    monitor = NoImprovement(0.0, 5, metric="loss")
    monitor.update(1.0)
    assert monitor.best_params is None


def test_a_nan_is_never_the_best():
    """As scikit-learn: a nan score resets the count but never becomes the best."""
    monitor = NoImprovement(0.0, 5, metric="validation_score")
    monitor.update(0.5, np.array([1.0]))
    assert monitor.update(np.nan, np.array([2.0])) is False
    assert monitor.best == 0.5
    assert_array_equal(monitor.best_params, [1.0])


@pytest.mark.parametrize(
    "metric, higher_is_better",
    [("loss", False), ("validation_loss", False), ("validation_score", True)],
)
def test_the_monitor_knows_its_metrics_direction(metric, higher_is_better):
    monitor = NoImprovement(0.0, 5, metric=metric)
    monitor.update(1.0)
    assert monitor.update(2.0) is higher_is_better
    assert monitor.watches_validation is (metric != "loss")
