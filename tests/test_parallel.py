"""Parallel use: joblib backends give the n_jobs=1 results, predict is thread-safe."""

from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

GRID = {"learning_rate_init": [1e-3, 1e-2], "batch_size": [32, 128]}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:600]), y[:600]


def _search(X, y, n_jobs, backend):
    model = DeepMLPClassifier((16,), max_iter=15, random_state=0)
    search = GridSearchCV(model, GRID, cv=3, n_jobs=n_jobs)
    with joblib.parallel_backend(backend):
        return search.fit(X, y)


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_grid_search_backends_match_one_job(digits, backend):
    X, y = digits
    serial = _search(X, y, 1, "sequential")
    parallel = _search(X, y, 2, backend)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        assert_array_equal(parallel.cv_results_[key], serial.cv_results_[key])
    assert parallel.best_params_ == serial.best_params_


@pytest.mark.parametrize("backend", ["loky", "threading"])
@pytest.mark.parametrize(
    "estimator",
    [
        make_pipeline(StandardScaler(), PerceptronClassifier(random_state=0)),
        DeepMLPClassifier((16,), max_iter=10, random_state=0),
    ],
    ids=["perceptron", "deep"],
)
def test_cross_val_score_backends_match_one_job(digits, estimator, backend):
    X, y = digits
    serial = cross_val_score(estimator, X, y, cv=3, n_jobs=1)
    with joblib.parallel_backend(backend):
        parallel = cross_val_score(estimator, X, y, cv=3, n_jobs=2)
    assert_array_equal(parallel, serial)


@pytest.mark.parametrize(
    "estimator, method",
    [
        (DeepMLPClassifier((32,), max_iter=20, random_state=0), "predict_proba"),
        (
            DeepMLPRegressor(hidden_layer_sizes=(32,), max_iter=20, random_state=0),
            "predict",
        ),
        (PerceptronClassifier(random_state=0), "decision_function"),
    ],
    ids=["classifier", "regressor", "perceptron"],
)
def test_concurrent_predictions_on_one_fitted_estimator(digits, estimator, method):
    X, y = digits
    estimator.fit(X, y.astype(float) if method == "predict" else y)
    # inputs of different sizes, small (lean path) and large (chunked path)
    chunks = [X[:1], X[:7], X[:300], np.tile(X, (3, 1)), X[5:6], X[100:]]
    expected = [getattr(estimator, method)(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            results = list(pool.map(getattr(estimator, method), chunks * 4))
            for result, want in zip(results, expected * 4):
                assert_array_equal(result, want)
