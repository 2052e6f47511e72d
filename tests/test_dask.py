"""Scale-out on Dask: grid search on a LocalCluster, incremental training on blocks.

Needs the ``dask`` extra (dask, distributed, dask-ml), which ``[test]`` includes.
"""

import runpy
from pathlib import Path

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, PerceptronClassifier
from skperceptron.model_selection import GridSearchCV as StackedGridSearchCV

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
dask_ml_wrappers = pytest.importorskip("dask_ml.wrappers")

EXAMPLES = Path(__file__).parents[1] / "examples"
GRID = {"learning_rate_init": [1e-3, 1e-2], "batch_size": [32, 128]}
EPOCHS = 8
BLOCK_ROWS = 250


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes: a small real cluster."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_grid_search_on_a_local_cluster_matches_one_process(client, digits):
    X, y = digits
    model = DeepMLPClassifier((32,), max_iter=15, random_state=0)
    local = GridSearchCV(model, GRID, cv=3).fit(X, y)
    with joblib.parallel_backend("dask"):
        on_cluster = GridSearchCV(model, GRID, cv=3, n_jobs=-1).fit(X, y)
    assert_array_equal(
        on_cluster.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert on_cluster.best_params_ == local.best_params_
    assert on_cluster.best_score_ > 0.9


def test_stacked_search_on_a_local_cluster_matches_one_process(client, digits):
    X, y = digits
    model = DeepMLPClassifier((16,), max_iter=6, random_state=0)
    grid = {"learning_rate_init": [1e-3, 1e-2], "batch_size": [64, 128]}
    local = StackedGridSearchCV(model, grid, cv=3).fit(X, y)
    with joblib.parallel_backend("dask"):
        on_cluster = StackedGridSearchCV(model, grid, cv=3, n_jobs=-1).fit(X, y)
    assert_array_equal(
        on_cluster.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert on_cluster.best_params_ == local.best_params_


def _blocks(X, y):
    return [
        (X[start : start + BLOCK_ROWS], y[start : start + BLOCK_ROWS])
        for start in range(0, len(X), BLOCK_ROWS)
    ]


@pytest.mark.parametrize(
    "estimator",
    [
        DeepMLPClassifier((32,), learning_rate_init=0.01, random_state=0),
        PerceptronClassifier(activation="sigmoid", eta0=0.1, random_state=0),
    ],
    ids=["deep", "perceptron"],
)
def test_incremental_training_on_dask_blocks_matches_one_process(
    client, digits, estimator
):
    X, y = digits
    classes = np.unique(y)
    X_dask = da.from_array(X, chunks=(BLOCK_ROWS, X.shape[1]))
    y_dask = da.from_array(y, chunks=BLOCK_ROWS)
    incremental = dask_ml_wrappers.Incremental(
        estimator, scoring="accuracy", shuffle_blocks=False
    )
    for _ in range(EPOCHS):  # each call is one pass of partial_fit over the blocks
        incremental.partial_fit(X_dask, y_dask, classes=classes)
    predicted = incremental.predict(X_dask)  # a lazy dask array, block by block
    assert isinstance(predicted, da.Array)
    predicted = predicted.compute()

    local = type(estimator)(**estimator.get_params())
    for _ in range(EPOCHS):
        for X_block, y_block in _blocks(X, y):
            local.partial_fit(X_block, y_block, classes=classes)
    assert_array_equal(predicted, local.predict(X))
    assert np.mean(predicted == y) > 0.9


def test_the_dask_example_runs_on_the_cluster(client, digits, capsys):
    """examples/dask_scale_out.py, its functions run on this module's cluster."""
    example = runpy.run_path(str(EXAMPLES / "dask_scale_out.py"))
    X, y = digits
    X_train, X_test, y_train, y_test = X[:1200], X[1200:], y[:1200], y[1200:]
    search = example["grid_search_on_the_cluster"](X_train, y_train)
    assert search.best_score_ > 0.9
    model = example["incremental_on_blocks"](X_train, y_train, X_test, y_test, 5)
    assert model.score(X_test, y_test) > 0.85
    assert "Incremental training on 5 blocks" in capsys.readouterr().out
