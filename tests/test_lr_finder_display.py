"""LearningRateFinderDisplay: drawing a range test, from a result or an estimator."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, LearningRateFinderDisplay

RATES = np.geomspace(1e-4, 10.0, 6)
LOSSES = np.array([1.0, 0.95, 0.6, 0.3, 0.5, 40.0])


def curve_display(**kwargs):
    return LearningRateFinderDisplay(
        learning_rates=RATES, losses=LOSSES, smoothed_losses=LOSSES, **kwargs
    )


def test_plot_draws_both_curves_on_a_log_axis(pyplot):
    display = curve_display(suggested_learning_rate=1e-2, estimator_name="MLP").plot()
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_title() == "MLP"
    np.testing.assert_array_equal(display.line_.get_xdata(), RATES)
    np.testing.assert_array_equal(display.raw_line_.get_ydata(), LOSSES)
    assert display.suggestion_line_.get_xdata() == [1e-2, 1e-2]
    assert display.figure_ is display.ax_.figure


def test_the_blow_up_does_not_squash_the_descent(pyplot):
    bottom, top = curve_display().plot().ax_.get_ylim()
    assert bottom < LOSSES.min() and LOSSES[0] < top < 2 * LOSSES[0]


def test_no_suggestion_no_marker(pyplot):
    display = curve_display().plot()
    assert display.suggestion_line_ is None


def test_draws_on_the_given_axes_with_styles(pyplot):
    _, ax = pyplot.subplots()
    display = curve_display(suggested_learning_rate=0.1).plot(
        ax=ax, name="title", line_kw={"color": "red"}, suggestion_kw={"color": "g"}
    )
    assert display.ax_ is ax and ax.get_title() == "title"
    assert display.line_.get_color() == "red"
    assert display.suggestion_line_.get_color() == "g"


def test_a_curve_that_cannot_be_drawn(pyplot):
    display = LearningRateFinderDisplay(
        learning_rates=RATES[:1], losses=LOSSES[:1], smoothed_losses=LOSSES[:1]
    )
    with pytest.raises(ValueError, match="at least 2 rates"):
        display.plot()


def test_from_estimator_runs_the_test_on_a_pipeline(pyplot, iris):
    X, y = iris
    model = make_pipeline(
        StandardScaler(), DeepMLPClassifier((8,), batch_size=16, random_state=0)
    )
    display = LearningRateFinderDisplay.from_estimator(model, X, y, n_steps=80)
    assert display.ax_.get_title() == "DeepMLPClassifier"
    assert len(display.line_.get_xdata()) == len(display.result_.losses)
    assert display.suggested_learning_rate == display.result_.suggested_learning_rate
    assert display.result_.param_name == "deepmlpclassifier__learning_rate_init"


def test_without_matplotlib(monkeypatch, iris):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="LearningRateFinderDisplay.plot requires"):
        curve_display().plot()
    with pytest.raises(ImportError, match="from_estimator requires"):
        LearningRateFinderDisplay.from_estimator(DeepMLPClassifier(), *iris)


def test_matplotlib_is_imported_only_to_draw():
    code = "import sys, skperceptron; print('matplotlib' in sys.modules)"
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert imported.stdout.strip() == "False"
