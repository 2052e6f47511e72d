"""DeepMLPClassifier and DeepMLPRegressor: the behaviour users rely on.

Targets, input formats, sample weights, early stopping, warm start, partial_fit,
convergence warnings, reproducibility, the Poisson loss, verbose output, and
the state left by a diverging or interrupted fit. Small data and small networks
keep it fast.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor
from skperceptron._core import OPTIMIZERS
from skperceptron._fitting import NON_FINITE_WEIGHTS, DivergenceWarning

SOLVERS = ("adam", "sgd", "lbfgs")
STOCHASTIC_SOLVERS = ("adam", "sgd")
ESTIMATORS = (DeepMLPClassifier, DeepMLPRegressor)
SMALL = dict(hidden_layer_sizes=(8,), random_state=0)


@pytest.fixture
def binary(iris):
    """Iris versus the rest: two classes, unbalanced 50/100."""
    X, y = iris
    return X, (y == 0).astype(int)


@pytest.fixture
def multilabel():
    X, Y = make_multilabel_classification(
        n_samples=100, n_features=8, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), Y


@pytest.fixture
def multioutput():
    X, Y = make_regression(
        n_samples=150, n_features=6, n_targets=2, noise=0.5, random_state=0
    )
    return X, (Y - Y.mean(axis=0)) / Y.std(axis=0)


def _data(estimator_class, iris, regression):
    return iris if estimator_class is DeepMLPClassifier else regression


def _all_weights(estimator):
    return [*estimator.coefs_, *estimator.intercepts_]


def _assert_same_weights(first, second, rtol=1e-7, atol=0.0):
    for W_first, W_second in zip(_all_weights(first), _all_weights(second)):
        assert_allclose(W_first, W_second, rtol=rtol, atol=atol)


# -- targets -------------------------------------------------------------------------


def test_binary_classification(binary):
    X, y = binary
    clf = DeepMLPClassifier(solver="lbfgs", **SMALL).fit(X, y)
    assert_array_equal(clf.classes_, [0, 1])
    assert clf.predict(X).shape == (150,)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert clf.score(X, y) > 0.95


def test_multiclass_classification(iris):
    X, y = iris
    clf = DeepMLPClassifier(learning_rate_init=0.01, max_iter=300, **SMALL).fit(X, y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict(X).shape == (150,)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.predict(X), proba.argmax(axis=1))
    assert clf.score(X, y) > 0.9


def test_multilabel_classification(multilabel):
    X, Y = multilabel
    clf = DeepMLPClassifier(solver="lbfgs", max_iter=300, **SMALL).fit(X, Y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    Y_pred = clf.predict(X)
    assert Y_pred.shape == Y.shape
    assert set(np.unique(Y_pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_array_equal(Y_pred, (proba > 0.5).astype(int))
    assert clf.score(X, Y) > 0.8  # subset accuracy: every label right


def test_string_labels_match_integer_labels(iris):
    X, y = iris
    names = np.array(["cat", "dog", "fish"])
    clf_str = DeepMLPClassifier(max_iter=50, **SMALL).fit(X, names[y])
    clf_int = DeepMLPClassifier(max_iter=50, **SMALL).fit(X, y)
    assert_array_equal(clf_str.classes_, names)
    y_pred = clf_str.predict(X)
    assert y_pred.dtype.kind == "U"
    assert_array_equal(y_pred, names[clf_int.predict(X)])
    assert_allclose(clf_str.predict_proba(X), clf_int.predict_proba(X))


def test_multi_output_regression(multioutput):
    X, Y = multioutput
    reg = DeepMLPRegressor(solver="lbfgs", max_iter=300, **SMALL).fit(X, Y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (150, 2)
    assert reg.predict(X[:1]).shape == (1, 2)
    assert reg.score(X, Y) > 0.95


@pytest.mark.parametrize(
    "estimator_class, data, n_outputs, out_activation",
    [
        (DeepMLPClassifier, "binary", 1, "logistic"),
        (DeepMLPClassifier, "iris", 3, "softmax"),
        (DeepMLPClassifier, "multilabel", 3, "logistic"),
        (DeepMLPRegressor, "regression", 1, "identity"),
        (DeepMLPRegressor, "multioutput", 2, "identity"),
    ],
)
def test_layers_outputs_and_output_activation(
    request, estimator_class, data, n_outputs, out_activation
):
    X, y = request.getfixturevalue(data)
    est = estimator_class(hidden_layer_sizes=(5, 4), max_iter=5, random_state=0)
    est.fit(X, y)
    assert est.n_layers_ == 4  # input, two hidden, output
    assert est.n_outputs_ == n_outputs
    assert est.out_activation_ == out_activation
    assert [W.shape for W in est.coefs_] == [(X.shape[1], 5), (5, 4), (4, n_outputs)]
    assert [b.shape for b in est.intercepts_] == [(5,), (4,), (n_outputs,)]


# -- input formats -------------------------------------------------------------------


@pytest.mark.parametrize("sparse_format", [sp.csr_matrix, sp.csc_matrix])
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_sparse_input_gives_dense_results(
    estimator_class, solver, sparse_format, iris, regression
):
    X, y = _data(estimator_class, iris, regression)
    X = X.copy()
    X[np.abs(X) < 0.5] = 0.0  # a genuinely sparse matrix
    params = dict(solver=solver, max_iter=20, **SMALL)
    dense = estimator_class(**params).fit(X, y)
    sparse = estimator_class(**params).fit(sparse_format(X), y)
    _assert_same_weights(dense, sparse, rtol=1e-6, atol=1e-10)
    assert_allclose(sparse.predict(sparse_format(X)), dense.predict(X), rtol=1e-6)
    assert_allclose(sparse.predict(X), dense.predict(X), rtol=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_float32_input_stays_float32(estimator_class, solver, iris, regression):
    """As in scikit-learn, except L-BFGS, whose float64 optimum is kept."""
    X, y = _data(estimator_class, iris, regression)
    est = estimator_class(solver=solver, max_iter=20, **SMALL)
    est.fit(X.astype(np.float32), y)
    expected = np.float64 if solver == "lbfgs" else np.float32
    assert all(W.dtype == expected for W in _all_weights(est))
    if estimator_class is DeepMLPClassifier:
        assert est.predict_proba(X.astype(np.float32)).dtype == expected
    else:
        assert est.predict(X.astype(np.float32)).dtype == expected
    # and float64 stays float64
    est.fit(X, y)
    assert all(W.dtype == np.float64 for W in _all_weights(est))


# -- sample weights ------------------------------------------------------------------


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_zero_sample_weight_equals_dropping_the_sample(
    estimator_class, iris, regression
):
    X, y = _data(estimator_class, iris, regression)
    sample_weight = np.ones(len(y))
    sample_weight[::4] = 0.0
    kept = sample_weight > 0
    params = dict(solver="lbfgs", max_iter=50, **SMALL)
    weighted = estimator_class(**params).fit(X, y, sample_weight=sample_weight)
    dropped = estimator_class(**params).fit(X[kept], y[kept])
    _assert_same_weights(weighted, dropped, rtol=1e-6, atol=1e-9)


@pytest.mark.filterwarnings("ignore:Got batch_size")
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_integer_sample_weight_equals_repetition_full_batch(
    estimator_class, solver, iris, regression
):
    X, y = _data(estimator_class, iris, regression)
    sample_weight = np.arange(len(y)) % 3  # 0, 1 and 2 copies
    repeat = np.repeat(np.arange(len(y)), sample_weight)
    full_batch = max(len(y), len(repeat))  # clipped (with a warning) to n_samples
    params = dict(
        solver=solver, batch_size=full_batch, shuffle=False, max_iter=20, **SMALL
    )
    weighted = estimator_class(**params).fit(X, y, sample_weight=sample_weight)
    repeated = estimator_class(**params).fit(X[repeat], y[repeat])
    _assert_same_weights(weighted, repeated, rtol=1e-6, atol=1e-9)
    assert_allclose(weighted.loss_, repeated.loss_, rtol=1e-7)


# -- early stopping ------------------------------------------------------------------


def _early_stopping_validation_set(X, y, layer_units, random_state, fraction):
    """The held-out split, drawn as scikit-learn's MLP draws it.

    The same RandomState first draws every layer's weights and biases, then
    splits off ``fraction`` of the samples (unstratified for a regressor).
    """
    rng = np.random.RandomState(random_state)
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
        rng.uniform(size=(fan_in, fan_out))
        rng.uniform(size=fan_out)
    _, X_val, _, y_val = train_test_split(X, y, random_state=rng, test_size=fraction)
    return X_val, y_val


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_early_stopping_keeps_the_best_weights(solver, regression):
    X, y = regression
    # A wide net and a large step overfit 160 samples within a few epochs.
    reg = DeepMLPRegressor(
        solver=solver,
        hidden_layer_sizes=(64,),
        learning_rate_init=0.05,
        early_stopping=True,
        validation_fraction=0.2,
        tol=0.0,
        n_iter_no_change=5,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    scores = reg.validation_scores_
    best_epoch = int(np.argmax(scores)) + 1
    assert len(scores) == reg.n_iter_ == len(reg.loss_curve_)
    assert reg.best_validation_score_ == max(scores)
    # with tol=0 it stops once n_iter_no_change + 1 epochs in a row did not improve
    assert reg.n_iter_ == best_epoch + reg.n_iter_no_change + 1 < reg.max_iter
    assert scores[-1] < reg.best_validation_score_
    # the weights in place are the best epoch's: they reproduce its score
    X_val, y_val = _early_stopping_validation_set(
        X, y, [X.shape[1], 64, 1], random_state=0, fraction=0.2
    )
    assert reg.score(X_val, y_val) == pytest.approx(reg.best_validation_score_)


def test_early_stopping_attributes_on_classifier(iris):
    X, y = iris
    clf = DeepMLPClassifier(early_stopping=True, max_iter=30, **SMALL).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert all(0.0 <= score <= 1.0 for score in clf.validation_scores_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


# -- warm start ----------------------------------------------------------------------


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_warm_start_continues_from_previous_fit(solver, regression):
    X, y = regression
    reg = DeepMLPRegressor(solver=solver, warm_start=True, max_iter=5, **SMALL)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    first_curve, first_t = list(reg.loss_curve_), reg.t_
    first_weights = [W.copy() for W in _all_weights(reg)]
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    assert reg.t_ == 2 * first_t == 2 * 5 * len(y)
    assert reg.loss_curve_[:5] == first_curve
    assert len(reg.loss_curve_) == 10
    # the second fit starts where the first stopped, not from a fresh start
    assert reg.loss_curve_[5] < first_curve[0]
    assert reg.loss_curve_[5] == pytest.approx(first_curve[-1], rel=0.2)
    assert any(
        not np.array_equal(W, W0) for W, W0 in zip(_all_weights(reg), first_weights)
    )


def test_without_warm_start_refit_starts_over(regression):
    X, y = regression
    reg = DeepMLPRegressor(max_iter=5, **SMALL)
    with pytest.warns(ConvergenceWarning):
        first_curve = list(reg.fit(X, y).loss_curve_)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    assert reg.loss_curve_ == first_curve
    assert reg.t_ == 5 * len(y)


def test_warm_start_lbfgs_starts_from_previous_weights(regression):
    X, y = regression
    reg = DeepMLPRegressor(solver="lbfgs", warm_start=True, max_iter=10, **SMALL)
    with pytest.warns(ConvergenceWarning):
        first_loss = reg.fit(X, y).loss_
    with pytest.warns(ConvergenceWarning):
        second_loss = reg.fit(X, y).loss_
    assert second_loss < first_loss


def test_warm_start_with_different_classes_raises(iris):
    X, y = iris
    clf = DeepMLPClassifier(warm_start=True, max_iter=5, **SMALL)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    two_classes = y < 2
    with pytest.raises(ValueError, match="warm_start"):
        clf.fit(X[two_classes], y[two_classes])


# -- partial_fit ---------------------------------------------------------------------


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_classifier_partial_fit(solver, iris):
    X, y = iris
    clf = DeepMLPClassifier(
        solver=solver, learning_rate_init=0.01, batch_size=16, **SMALL
    )
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)  # the first call must name every class
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y, classes=[0, 1])  # y has a class not announced
    clf = clone(clf)
    first_half = y < 2  # the first batch need not contain every class
    clf.partial_fit(X[first_half], y[first_half], classes=[0, 1, 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)
    losses = []
    for _ in range(20):
        losses.append(clf.partial_fit(X, y).loss_)
    assert losses[-1] < losses[0]
    assert clf.t_ == first_half.sum() + 20 * len(y)
    assert clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X[:3], np.array([0, 1, 3]))  # 3 was never announced


def test_classifier_partial_fit_matches_one_epoch_of_fit(iris):
    X, y = iris
    params = dict(solver="sgd", max_iter=1, **SMALL)
    with pytest.warns(ConvergenceWarning):
        fitted = DeepMLPClassifier(**params).fit(X, y)
    partial = DeepMLPClassifier(**params).partial_fit(X, y, classes=np.unique(y))
    _assert_same_weights(fitted, partial)


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_regressor_partial_fit(solver, regression):
    X, y = regression
    reg = DeepMLPRegressor(
        solver=solver, learning_rate_init=0.01, batch_size=16, **SMALL
    )
    losses = [reg.partial_fit(X, y).loss_ for _ in range(20)]
    assert losses[-1] < losses[0]
    assert reg.n_features_in_ == X.shape[1]
    assert reg.t_ == 20 * len(y)
    assert reg.predict(X).shape == y.shape
    assert reg.score(X, y) > 0.9


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_partial_fit_for_lbfgs_only_in_the_regressor(estimator_class):
    """As scikit-learn's MLPClassifier and MLPRegressor."""
    assert hasattr(estimator_class(solver="sgd"), "partial_fit")
    assert hasattr(estimator_class(solver="adam"), "partial_fit")
    is_regressor = estimator_class is DeepMLPRegressor
    assert hasattr(estimator_class(solver="lbfgs"), "partial_fit") == is_regressor


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_partial_fit_with_early_stopping_raises(estimator_class, iris, regression):
    X, y = _data(estimator_class, iris, regression)
    est = estimator_class(early_stopping=True, **SMALL)
    kwargs = {"classes": np.unique(y)} if estimator_class is DeepMLPClassifier else {}
    with pytest.raises(ValueError, match="early_stopping"):
        est.partial_fit(X, y, **kwargs)


# -- stopping and convergence --------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_convergence_warning_when_max_iter_is_hit(
    estimator_class, solver, iris, regression
):
    X, y = _data(estimator_class, iris, regression)
    est = estimator_class(solver=solver, max_iter=3, **SMALL)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.n_iter_ == 3


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_tol_and_n_iter_no_change_stop_before_max_iter(solver, iris):
    X, y = iris
    # Only the first epoch improves on the initial infinite loss by tol=10; it
    # stops once the next n_iter_no_change + 1 epochs did not (as scikit-learn).
    clf = DeepMLPClassifier(
        solver=solver, tol=10.0, n_iter_no_change=3, max_iter=100, **SMALL
    )
    clf.fit(X, y)
    assert clf.n_iter_ == 1 + 3 + 1
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_default_tol_converges_without_warning(iris):
    X, y = iris
    clf = DeepMLPClassifier(learning_rate_init=0.05, max_iter=2000, **SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 2000


def test_adaptive_learning_rate_divides_by_five(iris, capsys):
    X, y = iris
    params = dict(
        solver="sgd", learning_rate_init=0.1, tol=10.0, n_iter_no_change=2, **SMALL
    )
    adaptive = DeepMLPClassifier(learning_rate="adaptive", verbose=True, **params)
    adaptive.fit(X, y)
    rates = [
        float(rate)
        for rate in re.findall(
            r"Setting learning rate to ([0-9.]+)", capsys.readouterr().out
        )
    ]
    assert rates[:4] == pytest.approx([0.02, 0.004, 0.0008, 0.00016])
    # every plateau lowers the rate instead of stopping, until it reaches 1e-6
    constant = DeepMLPClassifier(learning_rate="constant", **params).fit(X, y)
    assert constant.n_iter_ == 4
    assert adaptive.n_iter_ > 4 * constant.n_iter_


# -- reproducibility, Poisson, verbose -----------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_fixed_random_state_is_reproducible(estimator_class, solver, iris, regression):
    X, y = _data(estimator_class, iris, regression)
    params = dict(solver=solver, max_iter=10, hidden_layer_sizes=(8,))
    first = estimator_class(random_state=0, **params).fit(X, y)
    second = estimator_class(random_state=0, **params).fit(X, y)
    other = estimator_class(random_state=1, **params).fit(X, y)
    for W_first, W_second in zip(_all_weights(first), _all_weights(second)):
        assert_array_equal(W_first, W_second)
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_loss(solver):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    y = rng.poisson(np.exp(X @ np.array([0.5, -0.3, 0.2, 0.0])))
    reg = DeepMLPRegressor(
        loss="poisson",
        solver=solver,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=100,
        **SMALL,
    )
    reg.fit(X, y)
    assert reg.out_activation_ == "exp"
    y_pred = reg.predict(X)
    assert (y_pred > 0).all()
    assert np.corrcoef(y_pred, y)[0, 1] > 0.6
    with pytest.raises(ValueError, match="non-negative"):
        DeepMLPRegressor(loss="poisson", solver=solver, **SMALL).fit(X, y - 1.0)


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_verbose_prints_the_loss_per_iteration(solver, iris, capsys):
    X, y = iris
    DeepMLPClassifier(solver=solver, max_iter=3, verbose=True, **SMALL).fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"^Iteration 1, loss = \d+\.\d+, ", out, re.MULTILINE)
    assert out.count("Iteration ") == 3


def test_quiet_by_default(iris, capsys):
    X, y = iris
    DeepMLPClassifier(max_iter=3, **SMALL).fit(X, y)
    assert capsys.readouterr().out == ""


# -- divergence ----------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_divergence_in_the_first_epoch_raises_scikit_learns_error(regression):
    X, y = regression
    reg = DeepMLPRegressor(solver="sgd", learning_rate_init=1e6, max_iter=50, **SMALL)
    with pytest.raises(ValueError, match=f"^{re.escape(NON_FINITE_WEIGHTS)}"):
        reg.fit(X * 1e200, y)  # the first batch's squared error overflows
    assert np.isfinite(reg.predict(X)).all()
    assert all(np.isfinite(W).all() for W in _all_weights(reg))
    assert reg.n_iter_ == len(reg.loss_curve_) == 0


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_later_divergence_keeps_the_best_weights_records_nan_and_warns(regression):
    """With early stopping scikit-learn keeps the best validation weights."""
    X, y = regression
    params = dict(solver="sgd", max_iter=50, early_stopping=True, **SMALL)
    reg = DeepMLPRegressor(learning_rate_init=0.1, **params)
    X = X * 10  # unscaled inputs: a few finite epochs, then overflow
    with pytest.warns(DivergenceWarning, match="non-finite in epoch") as record:
        reg.fit(X, y)
    assert reg.n_iter_ > 1 and np.isnan(reg.loss_curve_[-1])
    assert np.isfinite(reg.loss_curve_[:-1]).all()
    assert np.isfinite(reg.predict(X)).all()
    assert np.isnan(reg.validation_scores_[-1])
    assert isinstance(reg.validation_scores_[-1], float)
    assert len(reg.validation_scores_) == reg.n_iter_
    assert "best validation epoch" in str(record[0].message)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_later_divergence_without_early_stopping_raises_as_scikit_learn(regression):
    """scikit-learn's weights end non-finite and its fit raises; ours stops at
    once, raises the same error and keeps the weights the fit started from."""
    X, y = regression
    params = dict(solver="sgd", max_iter=50, learning_rate_init=0.1, **SMALL)
    X = X * 10  # unscaled inputs: a few finite epochs, then overflow
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match=f"^{re.escape(NON_FINITE_WEIGHTS)}"):
            MLPRegressor(**params).fit(X, y)
    reg = DeepMLPRegressor(**params)
    with pytest.raises(ValueError, match=f"^{re.escape(NON_FINITE_WEIGHTS)}"):
        reg.fit(X, y)
    assert np.isfinite(reg.predict(X)).all()
    # a warm start that diverges later puts back the weights it started from
    with pytest.warns(ConvergenceWarning):
        reg = DeepMLPRegressor(**{**params, "max_iter": 2}, warm_start=True).fit(X, y)
    started_from = [W.copy() for W in _all_weights(reg)]
    with pytest.raises(ValueError, match=f"^{re.escape(NON_FINITE_WEIGHTS)}"):
        reg.set_params(max_iter=50).fit(X, y)
    for W, W_start in zip(_all_weights(reg), started_from):
        assert_array_equal(W, W_start)


def test_interrupted_fit_keeps_the_last_completed_epoch(regression, monkeypatch):
    # Ctrl-C in the middle of an epoch: scikit-learn returns with a warning, and
    # re-raising is acceptable too, but the estimator must hold a consistent
    # state: the weights and attributes of the last epoch that completed.
    X, y = regression
    params = dict(batch_size=50, **SMALL)  # 4 optimizer steps per epoch
    with pytest.warns(ConvergenceWarning):
        two_epochs = DeepMLPRegressor(max_iter=2, **params).fit(X, y)
    adam_step, n_steps = OPTIMIZERS["adam"].step, 0

    def step_until_ctrl_c(self, *args):
        nonlocal n_steps
        n_steps += 1
        if n_steps == 10:  # the second step of the third epoch
            raise KeyboardInterrupt
        return adam_step(self, *args)

    monkeypatch.setattr(OPTIMIZERS["adam"], "step", step_until_ctrl_c)
    reg = DeepMLPRegressor(max_iter=50, **params)
    with pytest.warns(UserWarning, match="interrupted by user"):
        reg.fit(X, y)
    assert reg.n_iter_ == 2
    assert reg.loss_curve_ == two_epochs.loss_curve_
    _assert_same_weights(reg, two_epochs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_small_inputs_predict_as_through_full_validation(dtype):
    """The lean path for small float arrays agrees with validated input."""
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    clf = DeepMLPClassifier((8,), max_iter=30, random_state=0).fit(X.astype(dtype), y)
    rows = X[:3].astype(dtype)
    assert_array_equal(clf.predict(rows), clf.predict(rows.tolist()))
    np.testing.assert_allclose(
        clf.predict_proba(rows), clf.predict_proba(rows.tolist()), rtol=1e-6
    )
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(np.array([[np.nan] * 5], dtype=dtype))
    with pytest.raises(ValueError, match="features"):
        clf.predict(np.zeros((1, 4), dtype=dtype))
