"""L-BFGS fits run SciPy's BLAS, and on small problems NumPy's too, on one thread."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from skperceptron import DeepMLPClassifier, _fitting, _mlp


def _blas_threads():
    """Thread counts of the BLAS libraries, in ``_fitting._blas_libraries`` order."""
    return [library.num_threads for library in _fitting._blas_libraries()]


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
def test_large_problem_keeps_numpys_threads_only(
    iris, threads_seen_by_lbfgs, monkeypatch
):
    monkeypatch.setattr(_fitting, "LBFGS_ONE_THREAD_MAX_SIZE", 0)
    libraries = _fitting._blas_libraries()
    others = _fitting._not_numpys(libraries)
    expected = [1 if lib in others else lib.num_threads for lib in libraries]
    _fit_small_lbfgs(iris)
    assert threads_seen_by_lbfgs == [expected]


def test_numpys_own_blas_is_told_apart_from_others():
    libraries = _fitting._blas_libraries()
    others = _fitting._not_numpys(libraries)
    assert len(others) < len(libraries) or len(libraries) < 2
    assert _fitting._not_numpys(libraries[:1]) == []


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


def test_overlapping_fits_restore_the_threads_from_before_the_first():
    # fits in two threads: the first to finish must not restore the count
    # while the other runs, and the last must not restore the first's limit
    libraries = _fitting._blas_libraries()
    before = _blas_threads()
    first, second = _fitting._one_thread(libraries), _fitting._one_thread(libraries)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert _blas_threads() == [1] * len(libraries)
    second.__exit__(None, None, None)
    assert _blas_threads() == before
