"""Memory: predict works in chunks that fit working_memory; partial_fit streams flat.

Peaks are measured with ``tracemalloc``, which sees every NumPy array (NumPy
reports its allocations to it) but not BLAS's internal buffers; each figure
is the largest amount allocated during one call above what was held before.
"""

import gc
import tracemalloc

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.base import clone, is_classifier

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

MiB = 2**20

# -- predict on many rows --------------------------------------------------------------

N_ROWS, N_FEATURES = 2_000_000, 20  # float32: 153 MiB of input
HIDDEN = (64, 32)
SLACK = 1 * MiB  # validation's and the activations' small temporaries

# case -> (estimator, classes or outputs, method)
PREDICTIONS = {
    "regressor-predict": (DeepMLPRegressor, 1, "predict"),
    "binary-predict": (DeepMLPClassifier, 2, "predict"),
    "binary-predict_proba": (DeepMLPClassifier, 2, "predict_proba"),
    "multiclass-predict_proba": (DeepMLPClassifier, 3, "predict_proba"),
}


@pytest.fixture(scope="module")
def many_rows():
    rng = np.random.default_rng(0)
    return rng.standard_normal((N_ROWS, N_FEATURES), dtype=np.float32)


def _fit_small(estimator_class, n_targets, X):
    """A float32 network with ``n_targets`` classes or outputs, fitted on 300 rows."""
    X_train = X[:300]
    if estimator_class is DeepMLPRegressor:
        y = X_train[:, :n_targets].squeeze()
    else:
        y = np.arange(300) % n_targets
    estimator = estimator_class(hidden_layer_sizes=HIDDEN, max_iter=2, random_state=0)
    return estimator.fit(X_train, y)


def _peak_bytes(call):
    """``call()`` and the most memory it held at once beyond what it started with."""
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def _chunked_bound(working_memory, estimator, result):
    """The most chunked prediction may hold, in bytes.

    One chunk's two activations fill at most ``working_memory`` MiB; on top
    come the chunks' outputs and their concatenation, then the returned array
    and one temporary as large (the class indices that labels are taken
    from, or the ``1 - p`` column of binary probabilities).
    """
    outputs = N_ROWS * estimator.n_outputs_ * estimator.coefs_[-1].itemsize
    return working_memory * MiB + 2 * outputs + 2 * result.nbytes + SLACK


def _predict_memory(case, X):
    """{working_memory in MiB: (peak bytes, bound in bytes)} and the full layer size."""
    estimator_class, n_targets, method = PREDICTIONS[case]
    estimator = _fit_small(estimator_class, n_targets, X)
    predict = getattr(estimator, method)
    figures, results = {}, {}
    for working_memory in (sklearn.get_config()["working_memory"], 64, 8):
        with sklearn.config_context(working_memory=working_memory):
            result, peak = _peak_bytes(lambda: predict(X))
        figures[working_memory] = (
            peak,
            _chunked_bound(working_memory, estimator, result),
        )
        results[working_memory] = result
    full_activation = X.shape[0] * max(HIDDEN) * X.itemsize  # one unchunked layer
    return figures, full_activation, results


@pytest.mark.parametrize("case", sorted(PREDICTIONS))
def test_predict_memory_follows_working_memory(many_rows, case):
    figures, full_activation, results = _predict_memory(case, many_rows)
    for working_memory, (peak, bound) in figures.items():
        assert peak <= bound, (working_memory, figures)
    # a small working memory is a real constraint: less than one whole layer
    assert figures[64][1] < full_activation
    # and a smaller one lowers the peak (the default, 1024 MiB, leaves
    # 2,000,000 rows of this network unchunked)
    peaks = [figures[working_memory][0] for working_memory in sorted(figures)]
    assert peaks == sorted(peaks) and len(set(peaks)) == len(peaks), figures
    if results[8].dtype.kind == "f":  # chunking changes no value
        default = sklearn.get_config()["working_memory"]
        assert_allclose(results[8], results[default], rtol=1e-5, atol=1e-6)


# -- a stream of partial_fit calls -----------------------------------------------------

N_CHUNKS, CHUNK_ROWS = 50, 1000
HELD_AFTER = (10, N_CHUNKS)  # calls after which the held memory is compared
HELD_MARGIN = 64 * 1024  # loss_curve_ and history_ grow by a few numbers a call

STREAMED = [
    DeepMLPClassifier(hidden_layer_sizes=(32,), random_state=0),
    DeepMLPRegressor(hidden_layer_sizes=(32,), solver="sgd", random_state=0),
    PerceptronClassifier(),
    PerceptronClassifier(activation="sigmoid"),
]


def _id(estimator):
    if isinstance(estimator, PerceptronClassifier):
        return f"PerceptronClassifier-{estimator.activation}"
    return type(estimator).__name__


def _stream(estimator):
    """``N_CHUNKS`` chunks of (X, y), drawn before any is measured."""
    rng = np.random.default_rng(0)
    for _ in range(N_CHUNKS):
        X = rng.standard_normal((CHUNK_ROWS, N_FEATURES))
        y = (X[:, 0] > 0) + (X[:, 1] > 0) if is_classifier(estimator) else X[:, 0]
        yield X, y


def _stream_memory(estimator):
    """Peak bytes during each partial_fit call, and bytes held after HELD_AFTER."""
    chunks = list(_stream(estimator))
    kwargs = {"classes": [0, 1, 2]} if is_classifier(estimator) else {}
    peaks, held = [], []
    tracemalloc.start()
    try:
        for X, y in chunks:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            estimator.partial_fit(X, y, **kwargs)
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
            if len(peaks) in HELD_AFTER:
                gc.collect()  # cyclic garbage is not held: count only what is
                held.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    return peaks, held


@pytest.mark.parametrize("estimator", STREAMED, ids=_id)
def test_partial_fit_stream_keeps_memory_flat(estimator):
    peaks, held = _stream_memory(clone(estimator))
    first, last = max(peaks[:10]), max(peaks[40:])
    assert last <= 1.05 * first + 16 * 1024, (first, last)
    # nothing accumulates from one call to the next: no kept batches or copies
    assert held[1] - held[0] <= HELD_MARGIN, held
