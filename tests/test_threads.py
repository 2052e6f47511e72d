"""Element-wise passes split over threads: same results as one thread, limits kept.

Nothing here times anything: the tests check which parts run, that they tile
the work, and that split training gives bit-identical weights.
"""

import threading

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_limits

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, _fitting
from skperceptron._blas_threads import blas_threads
from skperceptron._core import OPTIMIZERS, allow_threads
from skperceptron._core.optimizers import MIN_PART
from skperceptron._core.threads import for_each_part


def recorded_parts(n_items, min_part, n_threads):
    """The slices ``for_each_part`` hands out."""
    parts = []
    lock = threading.Lock()

    def record(part):
        with lock:
            parts.append(part)

    with allow_threads(n_threads):
        for_each_part(record, n_items, min_part)
    return parts


def covered(parts, n_items):
    """How many times each item is in a part."""
    counts = np.zeros(n_items, dtype=int)
    for part in parts:
        counts[part] += 1
    return counts


@pytest.mark.parametrize("n_items", [1000, 4097, 100_003])
@pytest.mark.parametrize("n_threads", [2, 3, 8])
def test_parts_tile_the_items_once(n_items, n_threads):
    parts = recorded_parts(n_items, 100, n_threads)
    assert 1 < len(parts) <= n_threads
    assert_array_equal(covered(parts, n_items), 1)
    assert all(part.start % 64 == 0 for part in parts)


def test_pool_threads_run_parts_alongside_the_caller():
    # each of the two parts waits for the other: only two threads get past
    both_running = threading.Barrier(2, timeout=60)
    with allow_threads(2):
        for_each_part(lambda part: both_running.wait(), 1000, 500)


def test_without_permission_or_work_nothing_is_split():
    assert recorded_parts(1_000_000, 100, 1) == [slice(None)]
    assert recorded_parts(150, 100, 4) == [slice(None)]  # parts would be short
    parts = []
    for_each_part(parts.append, 1_000_000, 1)  # no allow_threads: one thread
    assert parts == [slice(None)]


def test_a_failing_part_raises_after_every_part_is_done():
    finished = []

    def fail_in_the_last_part(part):
        if part.stop == 1000:
            raise ValueError("last part")
        finished.append(part)

    with allow_threads(4), pytest.raises(ValueError, match="last part"):
        for_each_part(fail_in_the_last_part, 1000, 10)
    assert len(finished) == 3


def adam_steps(shape, n_threads, n_steps=3):
    """Parameters after a few Adam steps on random gradients of ``shape``."""
    rng = np.random.default_rng(0)
    params = rng.standard_normal(shape)
    optimizer = OPTIMIZERS["adam"](shape, np.float64)
    with allow_threads(n_threads):
        for _ in range(n_steps):
            optimizer.step(params, rng.standard_normal(shape), 1e-2)
    return params, optimizer


@pytest.mark.parametrize("shape", [(5 * MIN_PART + 7,), (3, 3 * MIN_PART + 5)])
def test_adam_split_over_threads_is_bit_identical(shape):
    one_params, one = adam_steps(shape, 1)
    split_params, split = adam_steps(shape, 4)
    assert_array_equal(split_params, one_params)
    assert_array_equal(split.first_moment, one.first_moment)
    assert_array_equal(split.second_moment, one.second_moment)


def wide_network_fit(estimator_class, y):
    """A fit whose network has enough parameters to be split (> 2 MIN_PART)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 30))
    model = estimator_class(
        hidden_layer_sizes=(256, 256), max_iter=3, batch_size=100, random_state=0
    )
    return model.fit(X, y(rng))


@pytest.mark.parametrize(
    "estimator_class, y",
    [
        (DeepMLPClassifier, lambda rng: rng.integers(0, 3, 300)),
        (DeepMLPRegressor, lambda rng: rng.standard_normal(300)),
    ],
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_training_with_threads_matches_one_thread(estimator_class, y, monkeypatch):
    # the BLAS keeps its threads; only the element-wise passes change
    monkeypatch.setattr(_fitting, "blas_threads", lambda: 1)
    one = wide_network_fit(estimator_class, y)
    monkeypatch.setattr(_fitting, "blas_threads", lambda: 4)
    split = wide_network_fit(estimator_class, y)
    assert sum(W.size for W in one.coefs_) > 2 * MIN_PART
    for one_array, split_array in zip(
        one.coefs_ + one.intercepts_, split.coefs_ + split.intercepts_
    ):
        assert_array_equal(split_array, one_array)


def test_threads_follow_the_blas_limit():
    with threadpool_limits(limits=1, user_api="blas"):
        assert blas_threads() == 1
    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() == 2


def _blas_threads_in_worker():
    return blas_threads()


def test_joblib_process_workers_get_one_thread_each():
    # loky limits each of the n_jobs workers to cpu_count // n_jobs threads
    n_jobs = joblib.cpu_count()
    found = joblib.Parallel(n_jobs=n_jobs, backend="loky")(
        joblib.delayed(_blas_threads_in_worker)() for _ in range(n_jobs)
    )
    assert max(found) == 1
