"""Shared fixtures: small standardised data sets."""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")  # lets sklearn's array-API checks run

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_iris, make_regression  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=200, n_features=6, noise=0.5, random_state=0)
    return X, (y - y.mean()) / y.std()


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture
def pyplot():
    """matplotlib's pyplot on the Agg backend; closes every figure afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def stack_sizes(monkeypatch):
    """The number of runs of every stack ``train_together`` trains, in order."""
    from skperceptron import _stacked_fit

    sizes = []
    run_stacked = _stacked_fit.run_stacked

    def counting(network, optimizer, runs, batches):
        sizes.append(len(runs))
        return run_stacked(network, optimizer, runs, batches)

    monkeypatch.setattr(_stacked_fit, "run_stacked", counting)
    return sizes
