"""L-BFGS fits of small problems run their BLAS calls on one thread."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from skperceptron import DeepMLPClassifier, _fitting, _mlp


def _blas_threads():
    return [
        info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"
    ]


@pytest.fixture
def threads_seen_by_lbfgs(monkeypatch):
    """The BLAS thread counts while ``run_lbfgs`` runs, filled by each fit."""
    seen = []

    def recording_run_lbfgs(*args, **kwargs):
        seen.append(_blas_threads())
        return original(*args, **kwargs)

    original = _mlp.run_lbfgs
    monkeypatch.setattr(_mlp, "run_lbfgs", recording_run_lbfgs)
    return seen


def _fit_small_lbfgs(iris):
    X, y = iris
    return DeepMLPClassifier((8,), solver="lbfgs", max_iter=5, random_state=0).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_small_problem_uses_one_thread_and_restores_the_limits(
    iris, threads_seen_by_lbfgs
):
    before = _blas_threads()
    _fit_small_lbfgs(iris)
    assert threads_seen_by_lbfgs == [[1] * len(before)]
    assert _blas_threads() == before


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_large_problem_keeps_the_threads(iris, threads_seen_by_lbfgs, monkeypatch):
    monkeypatch.setattr(_fitting, "LBFGS_ONE_THREAD_MAX_SIZE", 0)
    before = _blas_threads()
    _fit_small_lbfgs(iris)
    assert threads_seen_by_lbfgs == [before]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_limit_set_by_the_user_stays(iris, threads_seen_by_lbfgs):
    with threadpool_limits(1, user_api="blas"):
        _fit_small_lbfgs(iris)
        assert _blas_threads() == [1] * len(_blas_threads())
    assert threads_seen_by_lbfgs[0] == [1] * len(threads_seen_by_lbfgs[0])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_one_thread_fit_matches_the_threaded_fit_closely(iris, monkeypatch):
    one = _fit_small_lbfgs(iris)
    monkeypatch.setattr(_fitting, "LBFGS_ONE_THREAD_MAX_SIZE", 0)
    threaded = _fit_small_lbfgs(iris)
    for W_one, W_threaded in zip(one.coefs_, threaded.coefs_):
        np.testing.assert_allclose(W_one, W_threaded, rtol=1e-9, atol=1e-12)
