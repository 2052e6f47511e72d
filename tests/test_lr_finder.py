"""find_learning_rate: every estimator and input kind, and suggestions worth using."""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import (
    DeepMLPClassifier,
    DeepMLPRegressor,
    PerceptronClassifier,
    find_learning_rate,
)
from skperceptron._core import OPTIMIZERS

SMALL = dict(hidden_layer_sizes=(8,), batch_size=16, random_state=0)
SWEEP = dict(n_steps=60, min_lr=1e-5)


def finder_result(estimator, X, y, **kwargs):
    """``find_learning_rate`` with warnings turned into errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return find_learning_rate(estimator, X, y, **{**SWEEP, **kwargs})


@pytest.fixture
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_result_fields_and_the_estimator_left_unchanged(cancer):
    X, y = cancer
    clf = DeepMLPClassifier(**SMALL)
    params = clf.get_params()
    result = finder_result(clf, X, y)
    assert clf.get_params() == params and not hasattr(clf, "coefs_")
    n_steps = len(result.losses)
    assert len(result.learning_rates) == len(result.smoothed_losses) == n_steps
    assert_allclose(result.learning_rates[0], SWEEP["min_lr"])
    assert np.all(np.diff(result.learning_rates) > 0)
    assert result.stop_reason in ("completed", "exploded", "diverged")
    assert result.param_name == "learning_rate_init"
    assert SWEEP["min_lr"] / 10 < result.suggested_learning_rate < 10.0
    assert "'minimum' rule" in result.suggestion_reason


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_every_stochastic_solver_gets_a_suggestion(solver, cancer):
    X, y = cancer
    # Adadelta's steps start at about sqrt(epsilon): give it room to move
    extra = {"epsilon": 1e-4} if solver == "adadelta" else {}
    result = finder_result(DeepMLPClassifier(solver=solver, **SMALL, **extra), X, y)
    assert result.suggested_learning_rate is not None, result.suggestion_reason


def test_regressor(regression):
    X, y = regression
    result = finder_result(DeepMLPRegressor(**SMALL), X, y)
    assert result.suggested_learning_rate is not None


def test_sigmoid_perceptron_sweeps_eta0(cancer):
    X, y = cancer
    result = finder_result(
        PerceptronClassifier(activation="sigmoid", batch_size=16), X, y
    )
    assert result.param_name == "eta0"
    assert result.suggested_learning_rate is not None


@pytest.mark.parametrize(
    "estimator, error, match",
    [
        (PerceptronClassifier(), ValueError, "activation='sigmoid'"),
        (DeepMLPClassifier(solver="lbfgs"), ValueError, "stochastic solver"),
        (LogisticRegression(), TypeError, "takes a DeepMLPClassifier"),
    ],
)
def test_estimators_without_a_rate_to_sweep_are_refused(estimator, error, match, iris):
    with pytest.raises(error, match=match):
        find_learning_rate(estimator, *iris)


@pytest.mark.parametrize(
    "settings, match",
    [
        ({"min_lr": 1.0, "max_lr": 0.1}, "min_lr < max_lr"),
        ({"suggestion": "valley"}, "'suggestion' parameter"),
        ({"n_steps": 5}, "'n_steps' parameter"),
        ({"smoothing": 1.0}, "'smoothing' parameter"),
    ],
)
def test_bad_sweep_settings(settings, match, iris):
    with pytest.raises(ValueError, match=match):
        find_learning_rate(DeepMLPClassifier(), *iris, **settings)


def test_a_pipeline_fits_its_earlier_steps_once_and_sweeps_the_last(cancer):
    X_raw, y = load_breast_cancer(return_X_y=True)
    pipeline = make_pipeline(StandardScaler(), DeepMLPClassifier(**SMALL))
    through_pipeline = finder_result(pipeline, X_raw, y)
    direct = finder_result(DeepMLPClassifier(**SMALL), *cancer)
    assert through_pipeline.param_name == "deepmlpclassifier__learning_rate_init"
    assert_allclose(through_pipeline.losses, direct.losses)
    assert not hasattr(pipeline[0], "mean_")  # the pipeline passed in is untouched


def test_divergence_ends_the_sweep_without_warnings(cancer):
    X, y = cancer
    sgd = DeepMLPClassifier(solver="sgd", **SMALL)
    result = finder_result(sgd, X, y, max_lr=1e8, n_steps=100)
    assert result.stop_reason in ("exploded", "diverged")
    assert len(result.losses) < 100 and np.isfinite(result.losses).all()
    assert result.suggested_learning_rate is not None


def test_a_sweep_that_never_decreases_suggests_nothing(cancer):
    X, y = cancer
    result = finder_result(DeepMLPClassifier(**SMALL), X, y, min_lr=1e-9, max_lr=1e-8)
    assert result.suggested_learning_rate is None
    assert "never fell" in result.suggestion_reason


def test_a_sweep_stopped_at_once_suggests_nothing(cancer):
    X, y = cancer
    result = finder_result(
        DeepMLPClassifier(solver="sgd", **SMALL), X, y, min_lr=1e6, max_lr=1e9
    )
    assert result.suggested_learning_rate is None
    assert result.stop_reason in ("exploded", "diverged")


def test_random_state_makes_the_sweep_reproducible(cancer):
    X, y = cancer
    first = finder_result(DeepMLPClassifier(**SMALL), X, y)
    again = finder_result(DeepMLPClassifier(**SMALL), X, y)
    other = finder_result(DeepMLPClassifier(**{**SMALL, "random_state": 1}), X, y)
    assert_array_equal(first.losses, again.losses)
    assert not np.allclose(first.losses[:10], other.losses[:10])


def test_uniform_sample_weights_change_nothing_and_zeros_drop_samples(cancer):
    X, y = cancer
    clf = DeepMLPClassifier(alpha=0.0, **SMALL)  # the penalty scales with 1 / sum(w)
    unweighted = finder_result(clf, X, y)
    uniform = finder_result(clf, X, y, sample_weight=np.full(len(y), 3.0))
    # the same steps up to rounding, which large rates amplify: compare the start
    assert_allclose(uniform.losses[:30], unweighted.losses[:30], rtol=1e-8)
    weights = np.where(y == 1, 0.0, 1.0)
    one_class = finder_result(clf, X, y, sample_weight=weights)
    assert not np.allclose(one_class.losses[:30], unweighted.losses[:30])


def test_float32_and_sparse_input(cancer):
    X, y = cancer
    clf = DeepMLPClassifier(**SMALL)
    sweep = dict(max_lr=1e-2, n_steps=20)  # rates too small to amplify rounding
    dense = finder_result(clf, X, y, **sweep)
    single = finder_result(clf, X.astype(np.float32), y, **sweep)
    sparse = finder_result(clf, sp.csr_matrix(X), y, **sweep)
    assert_allclose(single.losses, dense.losses, rtol=1e-4)
    assert_allclose(sparse.losses, dense.losses, rtol=1e-10)


def test_clone_of_the_suggestion_fits(cancer):
    X, y = cancer
    clf = DeepMLPClassifier(**SMALL, max_iter=20)
    result = finder_result(clf, X, y)
    fitted = clone(clf).set_params(
        **{result.param_name: result.suggested_learning_rate}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fitted.fit(X, y).score(X, y) > 0.95


def _benchmark():
    """The benchmark script's comparison, loaded by path (it is not a package)."""
    path = Path(__file__).parents[1] / "benchmarks" / "bench_lr_finder.py"
    spec = importlib.util.spec_from_file_location("bench_lr_finder", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("name", ["digits", "breast_cancer", "friedman1"])
def test_the_suggestion_scores_as_well_as_the_grid_searchs_best(name, solver):
    # small networks, 30 epochs: 21 fits of the grid search, 3 at the suggestion
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = _benchmark().compare(name, solver, {})
    tolerance = 0.02 if name == "friedman1" else 0.01  # R^2, else accuracy
    rate, score = row["minimum"]
    assert score >= row["grid_score"] - tolerance, (rate, row)



class _HookRecorder:
    """A scikit-learn fit callback that records the name of every hook called."""

    def __init__(self):
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append("setup")

    def teardown(self, estimator, context):
        self.calls.append("teardown")

    def on_fit_task_begin(self, estimator, context, **kwargs):
        self.calls.append("begin")

    def on_fit_task_end(self, estimator, context, **kwargs):
        self.calls.append("end")


def test_the_sweep_reports_to_no_callback(cancer):
    pytest.importorskip("sklearn.callback")
    X, y = cancer
    recorder = _HookRecorder()
    clf = DeepMLPClassifier(**SMALL).set_callbacks(recorder)
    finder_result(clf, X, y)
    assert recorder.calls == []
    clf.set_params(max_iter=2).fit(X, y)  # the estimator keeps its callback
    assert recorder.calls.count("begin") == recorder.calls.count("end") == 3
