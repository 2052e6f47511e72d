"""The lecture in the terminal: single neurons, a deep network, then tuning.

Trains on scikit-learn's built-in hand-written digits: first perceptrons (the
step neuron and the smooth sigmoid neuron, one per class), then a deep
network, then a grid search over the two knobs the lecture dwells on, the
learning rate and the mini-batch size, and the learning-rate range test that
finds a rate in one run. Prints what it trained, how well it scored and how
long it took.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._lr_finder import find_learning_rate
from ._mlp import DeepMLPClassifier
from ._perceptron import PerceptronClassifier

GRID = {
    "deepmlpclassifier__learning_rate_init": [1e-4, 1e-3, 1e-2],
    "deepmlpclassifier__batch_size": [16, 64, 256],
}


def _models(random_state):
    """The models of the story, in the order the lecture builds them up."""
    return [
        (
            "perceptron, step neuron (Rosenblatt's rule)",
            PerceptronClassifier(random_state=random_state),
        ),
        (
            "perceptron, sigmoid neuron (gradient descent)",
            PerceptronClassifier(
                activation="sigmoid", eta0=0.1, random_state=random_state
            ),
        ),
        (
            "deep network, hidden layers (64, 32)",
            DeepMLPClassifier(
                hidden_layer_sizes=(64, 32), max_iter=100, random_state=random_state
            ),
        ),
    ]


def _fit_and_score(model, data):
    X_train, X_test, y_train, y_test = data
    start = time.perf_counter()
    pipeline = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
    return pipeline.score(X_test, y_test), time.perf_counter() - start


def _grid_search(data, random_state):
    X_train, X_test, y_train, y_test = data
    model = make_pipeline(
        StandardScaler(),
        DeepMLPClassifier(
            hidden_layer_sizes=(64,), max_iter=30, random_state=random_state
        ),
    )
    start = time.perf_counter()
    search = GridSearchCV(model, GRID, cv=3, n_jobs=1).fit(X_train, y_train)
    return search, search.score(X_test, y_test), time.perf_counter() - start


def _range_test(data, batch_size, random_state):
    """One learning-rate range test of the grid search's model, timed."""
    X_train, _, y_train, _ = data
    model = make_pipeline(
        StandardScaler(),
        DeepMLPClassifier(
            hidden_layer_sizes=(64,), batch_size=batch_size, random_state=random_state
        ),
    )
    start = time.perf_counter()
    result = find_learning_rate(model, X_train, y_train)
    return result, time.perf_counter() - start


def main(random_state=0, out=print, plot_dir=None):
    """Run the demo and print a table of test accuracies and fit times.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the data split and of every model.
    out : callable, default=print
        Where each line of the report goes.
    plot_dir : str or path, default=None
        When given, the key figures are written there as PNG (needs
        matplotlib): the loss curves and the grid search's heat map.

    Returns
    -------
    rows : list of tuple
        ``(model, test accuracy, seconds)`` for each model trained.
    """
    X, y = load_digits(return_X_y=True)
    data = train_test_split(X, y, test_size=0.25, stratify=y, random_state=random_state)
    out(
        f"Data: load_digits, {len(data[0])} training / {len(data[1])} test images, "
        "8x8 pixels, 10 classes"
    )
    rows, models = [], _models(random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, model in models:
            rows.append((name, *_fit_and_score(model, data)))
        search, score, seconds = _grid_search(data, random_state)
    best = {k.split("__")[1]: v for k, v in search.best_params_.items()}
    rows.append(("(64,) tuned by GridSearchCV, 3 x 3 grid, 3-fold", score, seconds))
    out("")
    out(f"| {'model':<58} | test accuracy | fit seconds |")
    out(f"|{'-' * 60}|---------------|-------------|")
    for name, accuracy, seconds in rows:
        out(f"| {name:<58} | {accuracy:>13.3f} | {seconds:>11.2f} |")
    out("")
    out(f"Best learning rate and batch size found by the grid search: {best}")
    result, range_seconds = _range_test(data, best["batch_size"], random_state)
    out(
        "The learning-rate range test (skperceptron.find_learning_rate) reads a "
        f"rate off one run instead: {len(result.learning_rates)} steps at "
        f"batch_size={best['batch_size']} in {range_seconds:.2f} s (the grid "
        f"search: {seconds:.1f} s) suggest learning_rate_init="
        f"{result.suggested_learning_rate:.2g}"
    )
    if plot_dir is not None:
        from ._demo_plots import save_figures  # matplotlib only when asked

        for path in save_figures(models, search, plot_dir):
            out(f"Wrote {path}")
    return rows
