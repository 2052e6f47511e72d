"""TrainingCurveDisplay: the drawn curves, the best-epoch marker, and the errors."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from skperceptron import DeepMLPClassifier
from skperceptron._display import TrainingCurveDisplay

LOSS = [1.0, 0.6, 0.45, 0.4, 0.38]
VALIDATION_LOSS = [1.1, 0.7, 0.5, 0.55, 0.6]
VALIDATION_SCORE = [0.5, 0.7, 0.9, 0.85, 0.8]


def training_history(validation=False):
    """A history_ as a stochastic fit records it, with or without validation."""
    history = {"loss": LOSS, "learning_rate": [1e-3] * 5, "seconds": [0.01] * 5}
    if validation:
        history.update(
            validation_loss=VALIDATION_LOSS, validation_score=VALIDATION_SCORE
        )
    return history


def fitted_classifier(**params):
    """A small DeepMLPClassifier fitted on iris, with its own history_."""
    X, y = load_iris(return_X_y=True)
    return DeepMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=15, random_state=0, **params
    ).fit(X, y)


def legend_texts(display):
    legend_ax = display.ax_ if display.score_ax_ is None else display.score_ax_
    return [text.get_text() for text in legend_ax.get_legend().get_texts()]


def test_training_loss_alone(pyplot):
    display = TrainingCurveDisplay(history=training_history()).plot()

    assert list(display.lines_) == ["loss"]
    line = display.lines_["loss"]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(line.get_ydata(), LOSS)
    assert line.axes is display.ax_
    assert display.score_ax_ is None
    assert display.best_epoch_line_ is None
    assert legend_texts(display) == ["Training loss"]
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_ylabel() == "Loss"
    assert display.figure_ is display.ax_.figure


def test_validation_curves_when_recorded(pyplot):
    display = TrainingCurveDisplay(history=training_history(validation=True)).plot()

    assert sorted(display.lines_) == ["loss", "validation_loss", "validation_score"]
    assert display.lines_["validation_loss"].axes is display.ax_
    assert display.lines_["validation_score"].axes is display.score_ax_
    np.testing.assert_array_equal(
        display.lines_["validation_score"].get_ydata(), VALIDATION_SCORE
    )
    assert display.score_ax_.get_ylabel() == "Validation score"
    assert legend_texts(display) == [
        "Training loss",
        "Validation loss",
        "Validation score",
    ]
    colours = {line.get_color() for line in display.lines_.values()}
    assert len(colours) == 3


def test_unrecorded_curve_is_not_drawn(pyplot):
    history = {**training_history(validation=True), "validation_loss": [np.nan] * 5}
    display = TrainingCurveDisplay(history=history).plot()

    assert sorted(display.lines_) == ["loss", "validation_score"]


@pytest.mark.parametrize("best_epoch", [1, 3, 5])
def test_best_epoch_marker(pyplot, best_epoch):
    display = TrainingCurveDisplay(
        history=training_history(validation=True), best_epoch=best_epoch
    ).plot()

    marker = display.best_epoch_line_
    assert list(marker.get_xdata()) == [best_epoch, best_epoch]
    assert marker.axes is display.ax_
    assert marker.get_label() == f"Best epoch ({best_epoch})"
    assert legend_texts(display)[-1] == f"Best epoch ({best_epoch})"


def test_draws_on_the_given_axes_with_styles(pyplot):
    _, ax = pyplot.subplots()
    display = TrainingCurveDisplay(
        history=training_history(), best_epoch=2, estimator_name="MLP"
    ).plot(ax=ax, line_kw={"linewidth": 3}, best_epoch_kw={"color": "red"})

    assert display.ax_ is ax
    assert display.figure_ is ax.figure
    assert ax.get_title() == "MLP"
    assert display.lines_["loss"].get_linewidth() == 3
    assert display.best_epoch_line_.get_color() == "red"


def test_name_overrides_estimator_name(pyplot):
    display = TrainingCurveDisplay(history=training_history(), estimator_name="MLP")

    assert display.plot(name="Run 2").ax_.get_title() == "Run 2"
    assert display.plot().ax_.get_title() == "MLP"


@pytest.mark.parametrize(
    "history, best_epoch, message",
    [
        (None, None, "at least 2 epochs.*got 0"),
        ({"learning_rate": [0.1, 0.1]}, None, "at least 2 epochs.*got 0"),
        ({"loss": [0.5]}, None, "at least 2 epochs.*got 1"),
        (
            {"loss": LOSS, "validation_score": VALIDATION_SCORE[:3]},
            None,
            r"history\['validation_score'\] has 3 values.*has 5",
        ),
        ({"loss": LOSS}, 6, "best_epoch=6 is not an epoch.*1 to 5"),
        ({"loss": LOSS}, 0, "best_epoch=0 is not an epoch"),
    ],
)
def test_history_that_cannot_be_drawn(pyplot, history, best_epoch, message):
    display = TrainingCurveDisplay(history=history, best_epoch=best_epoch)
    with pytest.raises(ValueError, match=message):
        display.plot()


def test_from_estimator_with_early_stopping(pyplot):
    clf = fitted_classifier(early_stopping=True)
    display = TrainingCurveDisplay.from_estimator(clf)

    assert sorted(display.lines_) == ["loss", "validation_loss", "validation_score"]
    np.testing.assert_array_equal(display.lines_["loss"].get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.lines_["validation_score"].get_ydata(), clf.validation_scores_
    )
    best_x = list(display.best_epoch_line_.get_xdata())
    assert best_x == [clf.best_epoch_, clf.best_epoch_]
    assert display.ax_.get_title() == "DeepMLPClassifier"


def test_from_estimator_without_validation(pyplot):
    clf = fitted_classifier()
    _, ax = pyplot.subplots()
    display = TrainingCurveDisplay.from_estimator(clf, ax=ax, name="plain")

    assert list(display.lines_) == ["loss"]
    assert display.ax_ is ax
    assert ax.get_title() == "plain"
    assert display.best_epoch_line_.get_xdata()[0] == clf.best_epoch_


def test_from_estimator_needs_a_fitted_estimator(pyplot):
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(DeepMLPClassifier())


def test_from_estimator_needs_a_history(pyplot):
    clf = fitted_classifier(solver="lbfgs")
    clf.__dict__.pop("history_", None)  # L-BFGS may record no history at all
    with pytest.raises(ValueError, match="DeepMLPClassifier has no history_"):
        TrainingCurveDisplay.from_estimator(clf)


def test_plot_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    display = TrainingCurveDisplay(history=training_history())
    with pytest.raises(ImportError, match="TrainingCurveDisplay.plot requires"):
        display.plot()


def test_matplotlib_is_imported_only_to_draw():
    code = "import sys, skperceptron._display; print('matplotlib' in sys.modules)"
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert imported.stdout.strip() == "False"
