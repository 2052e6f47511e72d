"""Behaviours scikit-learn's own tests pin down, checked on our estimators.

Each test states the scikit-learn behaviour it mirrors; where scikit-learn's
estimator can run the same code, the test runs both and compares.
"""

import re
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import LabelBinarizer

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier
from skperceptron._fitting import NON_FINITE_WEIGHTS, DivergenceWarning

X_IRIS, Y_IRIS = load_iris(return_X_y=True)


# -- one class ---------------------------------------------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
def test_mlp_learns_a_single_class_as_scikit_learn(early_stopping):
    """MLPClassifier fits one class and predicts it; so do we, with pandas too."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.randn(10, 2), columns=["a", "b"])
    y = pd.Series(np.full(10, "only"), name="label")
    params = dict(early_stopping=early_stopping, validation_fraction=0.2, max_iter=5)
    ours = DeepMLPClassifier(random_state=0, **params)
    theirs = MLPClassifier(random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no feature-name warnings
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        theirs.fit(X, y)
        assert_array_equal(ours.predict(X), theirs.predict(X))
        assert_array_equal(ours.classes_, ["only"])
        assert ours.predict_proba(X).shape == theirs.predict_proba(X).shape


def test_partial_fit_accepts_a_single_class():
    clf = DeepMLPClassifier(max_iter=5, random_state=0)
    clf.partial_fit(X_IRIS, np.zeros(len(X_IRIS)), classes=[0])
    assert_array_equal(clf.predict(X_IRIS[:3]), [0, 0, 0])


# -- divergence ----------------------------------------------------------------------


def test_huge_inputs_raise_scikit_learns_error():
    """scikit-learn's test_nonfinite_params: its sentence starts the message."""
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    with pytest.raises(ValueError, match=re.escape(NON_FINITE_WEIGHTS)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            DeepMLPRegressor().fit(X, y)


def test_lbfgs_divergence_advice_names_no_learning_rate():
    rng = np.random.RandomState(0)
    X = 1e200 * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    with pytest.raises(ValueError, match=re.escape(NON_FINITE_WEIGHTS)) as error:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            DeepMLPRegressor(solver="lbfgs").fit(X, y)
    assert "learning_rate" not in str(error.value)
    assert "alpha" in str(error.value)


def test_diverging_early_stopping_fit_returns_with_a_nan_score():
    """scikit-learn's test_mlp_diverging_loss: a float nan ends validation_scores_."""
    mlp = DeepMLPRegressor(
        hidden_layer_sizes=100,
        activation="identity",
        solver="sgd",
        learning_rate_init=1,
        max_iter=20,
        early_stopping=True,
        random_state=0,
    )
    with pytest.warns(DivergenceWarning, match="best validation epoch"):
        mlp.fit(X_IRIS, Y_IRIS)
    assert isinstance(mlp.validation_scores_[-1], float)
    assert np.isnan(mlp.validation_scores_[-1])
    assert np.isfinite(mlp.best_validation_score_)
    assert len(mlp.validation_scores_) == mlp.n_iter_ == len(mlp.loss_curve_)
    assert np.isfinite(mlp.predict(X_IRIS)).all()


NON_FINITE_OUTPUT_CASES = {
    "poisson, unscaled inputs": (
        dict(loss="poisson", learning_rate_init=0.1, solver="sgd"),
        1e3,
    ),
    "learning_rate_init=1e4": (dict(learning_rate_init=1e4), 1.0),
    "adam with beta_2=0": (dict(beta_2=0.0, learning_rate_init=10.0), 1e2),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("case", sorted(NON_FINITE_OUTPUT_CASES))
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_no_fit_leaves_non_finite_training_predictions_silently(case, method):
    """Either scikit-learn's error, or a warned or clean fit predicting finitely."""
    params, scale = NON_FINITE_OUTPUT_CASES[case]
    X, y = make_regression(n_samples=60, n_features=4, random_state=0)
    X, y = X * scale, np.abs(y)
    reg = DeepMLPRegressor(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    reg.set_params(**params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # nothing leaks
            for _ in range(1 if method == "fit" else 5):
                getattr(reg, method)(X, y)
    except ValueError as error:
        assert str(error).startswith(NON_FINITE_WEIGHTS)
    if hasattr(reg, "coefs_"):
        assert np.isfinite(reg.predict(X)).all()


# -- early stopping split -------------------------------------------------------------


def test_early_stopping_split_is_stratified_as_scikit_learn():
    """scikit-learn's test_early_stopping_stratified: its split error surfaces."""
    X, y = [[1, 2], [2, 3], [3, 4], [4, 5]], [0, 0, 0, 1]
    message = (
        r"The least populated classes in y have only 1 member.*Classes with "
        r"too few members are: \['True'\]"
    )
    with pytest.raises(ValueError, match=message):
        DeepMLPClassifier(early_stopping=True).fit(X, y)


@pytest.mark.parametrize(
    "estimator",
    [
        PerceptronClassifier(early_stopping=True, activation="sigmoid"),
        DeepMLPClassifier(early_stopping=True, max_iter=5),
        DeepMLPRegressor(early_stopping=True, max_iter=5),
    ],
    ids=lambda est: type(est).__name__,
)
@pytest.mark.parametrize("part", ["training", "validation"])
def test_all_zero_weights_in_a_split_side_are_refused_clearly(
    estimator, part, monkeypatch
):
    """As scikit-learn's SGD: a side of the split that weighs nothing is named."""
    X, y = make_classification(n_samples=40, random_state=0)
    estimator.set_params(random_state=0, validation_fraction=0.25)
    held_out = _held_out_rows(estimator, X, y, monkeypatch)
    weights = np.where(held_out, 1.0, 0.0) if part == "training" else ~held_out * 1.0
    with pytest.raises(ValueError, match=f"sample weights for {part} set are all"):
        estimator.fit(X, y, sample_weight=weights)


def _held_out_rows(estimator, X, y, monkeypatch):
    """Mask of the rows of ``X`` that the early-stopping split holds out."""
    # the module the split is called from: the MLPs' held-out data, the perceptron's
    splitting_method = getattr(estimator, "_hold_out", estimator._training_run)
    module = sys.modules[splitting_method.__module__]
    split = module.split_validation
    seen = {}

    def spy(*args, **kwargs):
        train, validation = split(*args, **kwargs)
        seen["X_val"] = validation[0]
        return train, validation

    monkeypatch.setattr(module, "split_validation", spy)
    estimator.set_params(max_iter=1).fit(X, y, sample_weight=np.ones(len(y)))
    monkeypatch.undo()
    return np.array([(seen["X_val"] == row).all(axis=1).any() for row in X])


# -- schedules and the optimizer's rate ---------------------------------------------


def test_invscaling_with_a_huge_power_decays_to_zero():
    X, y = X_IRIS[:20], Y_IRIS[:20]
    clf = DeepMLPClassifier(
        solver="sgd", learning_rate="invscaling", power_t=300.0, max_iter=3
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    assert clf._optimizer.learning_rate == 0.0


def test_optimizer_learning_rate_follows_invscaling_over_warm_starts():
    """scikit-learn's test_learning_rate_warmstart reads the optimizer's rate."""
    X, y = [[3, 2], [1, 6], [5, 6], [-2, -4]], [1, 1, 1, 0]
    mlp = DeepMLPClassifier(
        solver="sgd",
        hidden_layer_sizes=4,
        learning_rate="invscaling",
        max_iter=1,
        power_t=0.25,
        warm_start=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.fit(X, y)
        mlp.fit(X, y)
    assert mlp._optimizer.learning_rate == 0.001 / pow(8 + 1, 0.25)


def test_adaptive_rate_ends_below_its_floor():
    clf = DeepMLPClassifier(
        tol=0.5, max_iter=3000, solver="sgd", learning_rate="adaptive"
    )
    clf.fit([[3, 2], [1, 6]], [1, 0])
    assert clf.n_iter_ < 3000
    assert clf._optimizer.learning_rate < 1e-6


# -- scikit-learn's private gradient entry point --------------------------------------


def test_loss_grad_lbfgs_matches_finite_differences():
    """scikit-learn's test_gradient calls ``_loss_grad_lbfgs`` on a fitted MLP."""
    X, y = X_IRIS[:10], Y_IRIS[:10] % 2
    Y = LabelBinarizer().fit_transform(y)
    mlp = DeepMLPClassifier(
        hidden_layer_sizes=4, solver="lbfgs", max_iter=1, random_state=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.fit(X, y)
    theta = np.hstack([p.ravel() for p in mlp.coefs_ + mlp.intercepts_])
    value, grad = mlp._loss_grad_lbfgs(theta, X, Y, None, [], [], [], [])
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = 1e-6
        plus = mlp._loss_grad_lbfgs(theta + step, X, Y, None)[0]
        minus = mlp._loss_grad_lbfgs(theta - step, X, Y, None)[0]
        numeric[i] = (plus - minus) / 2e-6
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    assert value == pytest.approx(mlp._loss_grad_lbfgs(theta, X, Y, None)[0])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("n_classes", [2, 3])
def test_early_stopping_with_string_labels_scores_as_scikit_learn(n_classes):
    """scikit-learn 1.9 fixed early stopping with string labels; so do we."""
    rows = slice(0, 50 * n_classes)
    X, y = X_IRIS[rows], np.array(["a", "b", "c"])[Y_IRIS[rows]]
    params = dict(early_stopping=True, max_iter=30, random_state=0)
    ours = DeepMLPClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    assert_allclose(ours.validation_scores_, theirs.validation_scores_)
    assert ours.n_iter_ == theirs.n_iter_


# -- messages code may filter or match on -------------------------------------------


def _user_warnings(estimator, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    return [str(w.message) for w in caught if w.category is UserWarning]


@pytest.mark.parametrize(
    "ours, theirs",
    [(DeepMLPClassifier, MLPClassifier), (DeepMLPRegressor, MLPRegressor)],
    ids=["classifier", "regressor"],
)
def test_batch_size_clipping_warns_with_scikit_learns_sentence(ours, theirs):
    """MLP: a batch_size above the sample count warns, then is clipped."""
    X, y = X_IRIS[:30], Y_IRIS[:30].astype(float)
    params = dict(batch_size=1000, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        (expected,) = _user_warnings(theirs(**params), X, y)
        (warned,) = _user_warnings(ours(**params), X, y)
    assert warned.startswith(expected)
    assert "batch_size=1000, 30 training samples" in warned
    with warnings.catch_warnings():  # a filter on scikit-learn's words silences ours
        warnings.filterwarnings("error", category=UserWarning)
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        warnings.filterwarnings("ignore", message=re.escape(expected))
        ours(**params).fit(X, y)


def test_perceptron_partial_fit_refusals_use_scikit_learns_words():
    """SGD's tests match these messages; Perceptron shares them."""
    from sklearn.linear_model import Perceptron

    for params, start in [
        ({"early_stopping": True}, "early_stopping should be False with partial_fit"),
        ({"class_weight": "balanced"}, "class_weight 'balanced' is not supported"),
    ]:
        messages = []
        for estimator in (Perceptron(**params), PerceptronClassifier(**params)):
            with pytest.raises(ValueError, match=re.escape(start)) as raised:
                estimator.partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2])
            messages.append(str(raised.value))
        assert messages[0] == messages[1]


# -- the regressor's partial_fit with L-BFGS ------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(hidden_layer_sizes=(5,), max_iter=3),
        dict(hidden_layer_sizes=(), max_iter=1, early_stopping=True),
        dict(hidden_layer_sizes=(4, 3), max_iter=5, alpha=0.1),
    ],
)
def test_regressor_partial_fit_with_lbfgs_runs_lbfgs_as_scikit_learn(params):
    """MLPRegressor(solver='lbfgs') has partial_fit (MLPClassifier has not):
    each call is an L-BFGS run from the current weights, warning as a fit does,
    and early_stopping does not apply."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 4), rng.randn(60)
    fitted = []
    for estimator in (
        MLPRegressor(solver="lbfgs", random_state=0, **params),
        DeepMLPRegressor(solver="lbfgs", random_state=0, **params),
    ):
        assert hasattr(estimator, "partial_fit")
        for rows, weights in [(slice(None), None), (slice(30), np.arange(30.0))]:
            with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
                estimator.partial_fit(X[rows], y[rows], sample_weight=weights)
        fitted.append(estimator)
    theirs, ours = fitted
    assert ours.n_iter_ == theirs.n_iter_ == params["max_iter"]
    assert ours.t_ == theirs.t_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)
    for mine, expected in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        assert_allclose(mine, expected, rtol=1e-9, atol=1e-12)


# -- warm starts with early stopping --------------------------------------------------


@pytest.mark.parametrize(
    "random_state, learning_rate_init, beats_the_best",
    [(0, 0.1, False), (2, 0.1, True), (5, 1.0, True)],
)
def test_warm_start_with_early_stopping_keeps_scikit_learns_weights(
    random_state, learning_rate_init, beats_the_best
):
    """MLPClassifier's fitted weights are its best weights (the same arrays), so
    a warm-start fit that never beats the best score keeps its last epoch's
    weights, and one that does restores its own best epoch's."""
    params = dict(
        hidden_layer_sizes=(5,),
        early_stopping=True,
        warm_start=True,
        max_iter=20,
        n_iter_no_change=2,
        learning_rate_init=learning_rate_init,
        random_state=random_state,
    )
    fitted = []
    for estimator in (MLPClassifier(**params), DeepMLPClassifier(**params)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator.fit(X_IRIS, Y_IRIS)
            first_best, n_first = estimator.best_validation_score_, estimator.n_iter_
            estimator.fit(X_IRIS, Y_IRIS)
        fitted.append(estimator)
    theirs, ours = fitted
    second_fit_scores = theirs.validation_scores_[n_first:]
    assert (max(second_fit_scores) > first_best + theirs.tol) == beats_the_best
    assert ours.validation_scores_ == pytest.approx(theirs.validation_scores_)
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    for mine, expected in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        assert_allclose(mine, expected, rtol=1e-9, atol=1e-12)


# -- float32 inputs with L-BFGS --------------------------------------------------------


@pytest.mark.parametrize(
    "ours, theirs",
    [(DeepMLPClassifier, MLPClassifier), (DeepMLPRegressor, MLPRegressor)],
    ids=["classifier", "regressor"],
)
def test_lbfgs_on_float32_inputs_ends_in_float64_as_scikit_learn(ours, theirs):
    """SciPy's L-BFGS-B returns a float64 optimum, which scikit-learn keeps as
    its weights, so its predictions are float64 too."""
    X = X_IRIS.astype(np.float32)
    y = Y_IRIS if ours is DeepMLPClassifier else X_IRIS[:, 0].astype(np.float64)
    params = dict(solver="lbfgs", hidden_layer_sizes=(6,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = [estimator(**params).fit(X, y) for estimator in (theirs, ours)]
    for mine, expected in zip(
        fitted[1].coefs_ + fitted[1].intercepts_,
        fitted[0].coefs_ + fitted[0].intercepts_,
    ):
        assert mine.dtype == expected.dtype == np.float64
        # scikit-learn evaluates the loss in float32 on the way; we in float64
        assert_allclose(mine, expected, rtol=1e-5, atol=1e-6)
    assert fitted[1].predict(X).dtype == fitted[0].predict(X).dtype


def test_binary_perceptron_keeps_a_float64_intercept_as_scikit_learn():
    """Perceptron on float32 data: float32 coef_, but a binary problem's
    intercept (and so the decision scores) in float64; multiclass all float32."""
    from sklearn.linear_model import Perceptron

    X = X_IRIS.astype(np.float32)
    for y in (Y_IRIS == 0, Y_IRIS):
        fitted = [
            estimator.fit(X, y) for estimator in (Perceptron(), PerceptronClassifier())
        ]
        for attribute in ("coef_", "intercept_"):
            dtypes = {getattr(estimator, attribute).dtype for estimator in fitted}
            assert len(dtypes) == 1, attribute
        dtypes = {estimator.decision_function(X).dtype for estimator in fitted}
        assert len(dtypes) == 1


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_losses_are_numpy_floats_as_scikit_learns(solver):
    params = dict(solver=solver, hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(**params).fit(X_IRIS, Y_IRIS)
        ours = DeepMLPClassifier(**params).fit(X_IRIS, Y_IRIS)
    assert type(ours.loss_) is type(theirs.loss_) is np.float64
    if solver == "adam":
        assert type(ours.best_loss_) is type(theirs.best_loss_) is np.float64
        assert {type(v) for v in ours.loss_curve_} == {np.float64}
        assert {type(v) for v in theirs.loss_curve_} == {np.float64}


def _refusals(estimators, X, y):
    messages = []
    for estimator in estimators:
        with pytest.raises(ValueError) as raised:
            estimator.fit(X, y)
        messages.append(str(raised.value))
    return messages


@pytest.mark.parametrize("n_samples", [3, 8])
def test_a_too_small_validation_split_is_refused_in_scikit_learns_words(n_samples):
    """Ours add the sizes and the way out after scikit-learn's own message."""
    from sklearn.linear_model import Perceptron

    X, y = X_IRIS[45 : 45 + n_samples], Y_IRIS[45 : 45 + n_samples]
    params = dict(early_stopping=True, validation_fraction=0.1)
    pairs = [
        (MLPClassifier(**params), DeepMLPClassifier(**params)),
        (MLPRegressor(**params), DeepMLPRegressor(**params)),
        (Perceptron(**params), PerceptronClassifier(**params)),
    ]
    for pair in pairs:
        target = y.astype(float) if isinstance(pair[0], MLPRegressor) else y
        expected, message = _refusals(pair, X, target)
        assert message.startswith(expected)


def test_perceptron_partial_fit_checks_the_data_before_the_classes():
    """scikit-learn validates X and y before it looks at ``classes``."""
    from sklearn.exceptions import DataConversionWarning
    from sklearn.linear_model import Perceptron

    X_nan = X_IRIS.copy()
    X_nan[0, 0] = np.nan
    column_y = Y_IRIS.reshape(-1, 1)
    for estimator in (Perceptron(), PerceptronClassifier()):
        with pytest.raises(ValueError, match="Input X contains NaN"):
            estimator.partial_fit(X_nan, Y_IRIS, classes=[0])
        with pytest.warns(DataConversionWarning):
            with pytest.raises(ValueError, match="classes must be passed"):
                estimator.partial_fit(X_IRIS, column_y)


def test_no_max_iter_warning_when_the_last_epoch_stops_the_run():
    """scikit-learn's loop breaks on a plateau before it checks max_iter."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(6, 4), np.array([0, 1, 0, 1, 0, 1])
    params = dict(
        hidden_layer_sizes=(),
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=3,
        max_iter=5,
        shuffle=False,
        random_state=0,
    )
    for estimator in (MLPClassifier(**params), DeepMLPClassifier(**params)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            estimator.fit(X, y)
        assert estimator.n_iter_ == 5  # stopped by the plateau, on the last epoch
