"""The bad-input battery: malformed data or parameters fail early, with a clear message.

Each case asserts the exception type scikit-learn raises and a message naming the
problem. Every estimator in ``ESTIMATORS`` runs every case whose parameters it has,
so a new estimator is covered by appending one line there.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

# Small, fast configurations: a new estimator is one more line here.
ESTIMATORS = [
    DeepMLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0),
    DeepMLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0),
    PerceptronClassifier(max_iter=5),
    PerceptronClassifier(activation="sigmoid", max_iter=5),
]
CLASSIFIERS = [est for est in ESTIMATORS if is_classifier(est)]
REGRESSORS = [est for est in ESTIMATORS if not is_classifier(est)]

RNG = np.random.RandomState(0)
X = RNG.standard_normal((30, 3))  # (n_samples, n_features)
Y_CLASS = np.arange(30) % 3
Y_REG = X @ np.array([1.0, -2.0, 0.5])
CLASSES = np.unique(Y_CLASS)


def _name(estimator):
    return type(estimator).__name__


def _id(estimator):
    """The class name, and the neuron for the perceptron's two configurations."""
    if isinstance(estimator, PerceptronClassifier):
        return f"{_name(estimator)}-{estimator.activation}"
    return _name(estimator)


def _having(*params, estimators=ESTIMATORS):
    """The estimators that have every one of ``params``."""
    return [est for est in estimators if set(params) <= set(est.get_params())]


def _with_methods(methods, estimators=ESTIMATORS):
    """(estimator, method) pairs for the methods each estimator has."""
    return [
        pytest.param(est, method, id=f"{_id(est)}-{method}")
        for est in estimators
        for method in methods
        if hasattr(est, method)
    ]


def _targets(estimator):
    return Y_CLASS if is_classifier(estimator) else Y_REG


def _classes_kwarg(estimator, method):
    """A classifier's first ``partial_fit`` must name every class."""
    if method == "partial_fit" and is_classifier(estimator):
        return {"classes": CLASSES}
    return {}


def _fitted(estimator, **params):
    estimator = clone(estimator).set_params(**params)
    return estimator.fit(X, _targets(estimator))


def _with_entry(value, dtype=float):
    X_bad = X.astype(dtype)
    X_bad[1, 2] = value
    return X_bad


# -- malformed X, for fit, partial_fit, predict and predict_proba -------------

BAD_X = {
    "nan": (_with_entry(np.nan), "Input X contains NaN"),
    "inf": (_with_entry(np.inf), "Input X contains infinity"),
    "minus_inf": (_with_entry(-np.inf), "Input X contains infinity"),
    "no_samples": (X[:0], r"0 sample\(s\)"),
    "no_features": (X[:, :0], r"0 feature\(s\)"),
    "1d": (X[:, 0], "Expected 2D array, got 1D array"),
    "3d": (X[:, :, np.newaxis], "Found array with dim 3"),
    "object_string": (_with_entry("a", dtype=object), "could not convert string"),
    # predict of a linear model names the dtype, as scikit-learn's Perceptron does
    "unicode_strings": (
        np.full(X.shape, "a"),
        "could not convert string|not compatible with arrays of bytes/strings",
    ),
    "complex": (X + 1j, "Complex data not supported"),
}
X_METHODS = ("fit", "partial_fit", "predict", "predict_proba")


@pytest.mark.parametrize("case", sorted(BAD_X))
@pytest.mark.parametrize("estimator, method", _with_methods(X_METHODS))
def test_bad_X_raises(estimator, method, case):
    X_bad, match = BAD_X[case]
    if method in ("fit", "partial_fit"):
        estimator = clone(estimator)
        y = _targets(estimator)[: len(X_bad)]
        call = getattr(estimator, method)
        with pytest.raises(ValueError, match=match):
            call(X_bad, y, **_classes_kwarg(estimator, method))
    else:
        call = getattr(_fitted(estimator), method)
        with pytest.raises(ValueError, match=match):
            call(X_bad)


# -- malformed y and sample_weight, for fit and partial_fit --------------------


def _y_with(value):
    return lambda y: {"y": np.where(np.arange(len(y)) == 1, value, y)}


def _weights(make):
    return lambda y: {"sample_weight": make(np.ones(len(y)))}


BAD_FIT_ARGUMENTS = {
    "y_too_short": (lambda y: {"y": y[:-1]}, "inconsistent numbers of samples"),
    # A classifier's partial_fit meets y first in type_of_target, whose message
    # (like scikit-learn's MLPClassifier's) says "Input" where fit says "Input y".
    "y_nan": (_y_with(np.nan), "Input (y )?contains NaN"),
    "y_inf": (_y_with(np.inf), "Input (y )?contains infinity"),
    "y_3d": (lambda y: {"y": y[:, None, None]}, "dim 3"),
    "weight_negative": (
        _weights(lambda w: np.where(np.arange(len(w)) == 1, -1.0, w)),
        "Negative values in data passed to `sample_weight`",
    ),
    "weight_all_zero": (_weights(np.zeros_like), "at least one non-zero"),
    "weight_too_short": (_weights(lambda w: w[:-1]), r"sample_weight\.shape"),
    "weight_2d": (_weights(lambda w: w[:, None]), "Sample weights must be 1D"),
    "weight_nan": (
        _weights(lambda w: np.where(np.arange(len(w)) == 1, np.nan, w)),
        "Input sample_weight contains NaN",
    ),
}


# type_of_target casts y with NaN to int before it raises.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("case", sorted(BAD_FIT_ARGUMENTS))
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_bad_y_or_sample_weight_raises(estimator, method, case):
    make_arguments, match = BAD_FIT_ARGUMENTS[case]
    estimator = clone(estimator)
    arguments = {"y": _targets(estimator), **_classes_kwarg(estimator, method)}
    arguments.update(make_arguments(arguments["y"]))
    with pytest.raises(ValueError, match=match):
        getattr(estimator, method)(X, **arguments)


# -- calls that do not fit the estimator's state -------------------------------


@pytest.mark.parametrize(
    "estimator, method",
    _with_methods(["predict", "predict_proba", "partial_fit", "score"]),
)
def test_wrong_n_features_after_fit(estimator, method):
    fitted = _fitted(estimator)
    args = (X[:, :2],) if method.startswith("predict") else (X[:, :2], _targets(fitted))
    match = f"X has 2 features, but {_name(estimator)} is expecting 3 features"
    with pytest.raises(ValueError, match=match):
        getattr(fitted, method)(*args)


@pytest.mark.parametrize("estimator", _having("warm_start"), ids=_id)
def test_warm_start_with_wrong_n_features(estimator):
    fitted = _fitted(estimator, warm_start=True)
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        fitted.fit(X[:, :2], _targets(fitted))


@pytest.mark.parametrize(
    "estimator, method", _with_methods(["predict", "predict_proba"])
)
def test_predict_before_fit(estimator, method):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(clone(estimator), method)(X)


@pytest.mark.parametrize("estimator", _having("solver"), ids=_id)
def test_partial_fit_needs_a_stochastic_solver(estimator):
    """``available_if`` hides the method; the reason is the chained cause."""
    lbfgs = clone(estimator).set_params(solver="lbfgs")
    assert not hasattr(lbfgs, "partial_fit")
    with pytest.raises(
        AttributeError, match="has no attribute 'partial_fit'"
    ) as excinfo:
        lbfgs.partial_fit(X, _targets(lbfgs))
    assert "only available for stochastic" in str(excinfo.value.__cause__)


@pytest.mark.parametrize("estimator", _having("early_stopping"), ids=_id)
def test_partial_fit_rejects_early_stopping(estimator):
    estimator = clone(estimator).set_params(early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        estimator.partial_fit(
            X, _targets(estimator), **_classes_kwarg(estimator, "partial_fit")
        )


@pytest.mark.parametrize("estimator", _having("hidden_layer_sizes"), ids=_id)
def test_partial_fit_rejects_a_changed_architecture(estimator):
    fitted = _fitted(estimator).set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="does not match the fitted one"):
        fitted.partial_fit(X, _targets(fitted))


@pytest.mark.parametrize("validation_fraction", [0.0, 0.01])
@pytest.mark.parametrize(
    "estimator", _having("early_stopping", "validation_fraction"), ids=_id
)
def test_early_stopping_with_an_empty_validation_set(estimator, validation_fraction):
    """The message names our parameter, not train_test_split's ``test_size``.

    Binary targets, so that the classifier's split is stratified.
    """
    estimator = clone(estimator).set_params(
        early_stopping=True, validation_fraction=validation_fraction
    )
    y = Y_CLASS % 2 if is_classifier(estimator) else Y_REG
    with pytest.raises(ValueError, match="validation_fraction"):
        estimator.fit(X, y)


# -- classifier-only cases ----------------------------------------------------


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_fit_with_one_class(estimator):
    """Each in the words of its scikit-learn counterpart (MLP, Perceptron)."""
    with pytest.raises(ValueError, match="only one class|has to be greater than one"):
        clone(estimator).fit(X, np.zeros(len(X)))


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_first_partial_fit_needs_classes(estimator):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clone(estimator).partial_fit(X, Y_CLASS)


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_partial_fit_with_unseen_label(estimator):
    fitted = _fitted(estimator)
    y_new = np.where(np.arange(len(X)) == 1, 7, Y_CLASS)
    with pytest.raises(ValueError, match=r"classes not in `self\.classes_`: \[7\]"):
        fitted.partial_fit(X, y_new)


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_partial_fit_with_changed_classes(estimator):
    first = clone(estimator).partial_fit(X, Y_CLASS, classes=CLASSES)
    with pytest.raises(
        ValueError, match="is not the same as on last call to partial_fit"
    ):
        first.partial_fit(X, Y_CLASS, classes=[0, 1, 2, 3])


@pytest.mark.parametrize(
    "estimator", _having("warm_start", estimators=CLASSIFIERS), ids=_id
)
def test_warm_start_with_changed_classes(estimator):
    fitted = _fitted(estimator, warm_start=True)
    with pytest.raises(
        ValueError, match="warm_start can only be used where `y` has the same"
    ):
        fitted.fit(X, Y_CLASS + 1)


# -- regressor-only cases ------------------------------------------------------


@pytest.mark.parametrize("estimator", REGRESSORS, ids=_id)
def test_string_targets_for_regression(estimator):
    with pytest.raises(ValueError, match="could not convert string to float"):
        clone(estimator).fit(X, np.full(len(X), "a"))


@pytest.mark.parametrize("estimator", _having("loss", estimators=REGRESSORS), ids=_id)
def test_poisson_loss_with_negative_targets(estimator):
    with pytest.raises(ValueError, match="requires non-negative targets"):
        clone(estimator).set_params(loss="poisson").fit(X, Y_REG)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize(
    "estimator", _having("hidden_layer_sizes", estimators=REGRESSORS), ids=_id
)
def test_changed_number_of_outputs(estimator, method):
    fitted = _fitted(estimator, warm_start=True)
    with pytest.raises(ValueError, match="does not match the fitted one"):
        getattr(fitted, method)(X, np.c_[Y_REG, Y_REG])


# -- invalid hyper-parameters ------------------------------------------------

INVALID_PARAMETERS = [
    ("hidden_layer_sizes", 0),
    ("hidden_layer_sizes", -1),
    ("hidden_layer_sizes", "abc"),
    ("hidden_layer_sizes", None),
    ("hidden_layer_sizes", (0,)),
    ("hidden_layer_sizes", (-1,)),
    ("hidden_layer_sizes", (4, 0)),
    ("hidden_layer_sizes", (2.5,)),
    ("activation", "softmax"),
    ("activation", "RELU"),
    ("solver", "newton"),
    ("solver", "SGD"),
    ("learning_rate", "optimal"),
    ("learning_rate_init", 0),
    ("learning_rate_init", -0.1),
    ("learning_rate_init", np.nan),
    ("batch_size", 0),
    ("batch_size", -1),
    ("batch_size", 2.5),
    ("batch_size", "big"),
    ("validation_fraction", 1.0),
    ("validation_fraction", 1.5),
    ("validation_fraction", -0.1),
    ("alpha", -1e-4),
    ("momentum", 1.5),
    ("momentum", -0.1),
    ("beta_1", 1.0),
    ("beta_1", -0.1),
    ("beta_2", 1.0),
    ("epsilon", 0.0),
    ("max_iter", 0),
    ("max_iter", -1),
    ("max_iter", 1.5),
    ("tol", -1.0),
    ("power_t", -0.5),
    ("n_iter_no_change", 0),
    ("max_fun", 0),
    ("shuffle", "yes"),
    ("warm_start", 1),
    ("nesterovs_momentum", "no"),
    ("early_stopping", None),
    ("random_state", "seed"),
    ("verbose", "loud"),
    ("loss", "hinge"),
    ("eta0", 0),
    ("eta0", -1.0),
    ("l1_ratio", -0.1),
    ("l1_ratio", 1.5),
    ("activation", "sign"),
    ("penalty", "l3"),
    ("penalty", "L2"),
    ("class_weight", "auto"),
    ("class_weight", [1.0, 2.0]),
    ("n_jobs", "all"),
]


def _invalid_parameter_cases():
    """[(estimator, method, param, value)] for each parameter the estimator has.

    ``partial_fit`` is left out where the invalid value removes it (a
    non-stochastic ``solver``), as scikit-learn's ``available_if`` does.
    """
    return [
        pytest.param(
            est, method, param, value, id=f"{_id(est)}-{method}-{param}={value!r}"
        )
        for est in ESTIMATORS
        for param, value in INVALID_PARAMETERS
        if param in est.get_params()
        for method in ("fit", "partial_fit")
        if hasattr(clone(est).set_params(**{param: value}), method)
    ]


@pytest.mark.parametrize("estimator, method, param, value", _invalid_parameter_cases())
def test_invalid_parameter(estimator, method, param, value):
    estimator = clone(estimator).set_params(**{param: value})
    with pytest.raises(InvalidParameterError, match=param):
        getattr(estimator, method)(
            X, _targets(estimator), **_classes_kwarg(estimator, method)
        )


# -- failures leave a fitted estimator as it was -------------------------------


def _weight_arrays(estimator):
    """Every layer's weights and biases, or a linear model's coef_ and intercept_."""
    if hasattr(estimator, "coefs_"):
        return [*estimator.coefs_, *estimator.intercepts_]
    return [estimator.coef_, estimator.intercept_]


def _failing_partial_fits(estimator):
    yield "n_features", (X[:, :2], _targets(estimator)), {}
    yield "nan", (_with_entry(np.nan), _targets(estimator)), {}
    yield "y_too_short", (X, _targets(estimator)[:-1]), {}
    yield (
        "weight_negative",
        (X, _targets(estimator)),
        {"sample_weight": -np.ones(len(X))},
    )
    if is_classifier(estimator):
        yield "unseen_label", (X, np.where(np.arange(len(X)) == 1, 7, Y_CLASS)), {}


@pytest.mark.parametrize(
    "estimator, args, kwargs",
    [
        pytest.param(est, args, kwargs, id=f"{_id(est)}-{case}")
        for est in ESTIMATORS
        for case, args, kwargs in _failing_partial_fits(est)
    ],
)
def test_failing_partial_fit_leaves_estimator_unchanged(estimator, args, kwargs):
    fitted = _fitted(estimator)
    weights = [W.copy() for W in _weight_arrays(fitted)]
    state = pickle.dumps(fitted)  # everything, solver state included
    with pytest.raises(ValueError):
        fitted.partial_fit(*args, **kwargs)
    for before, after in zip(weights, _weight_arrays(fitted), strict=True):
        np.testing.assert_array_equal(before, after)
    assert pickle.dumps(fitted) == state


# -- valid but unusual inputs ---------------------------------------------------


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_zero_sample_weight_on_some_samples_is_valid(estimator, method):
    sample_weight = np.ones(len(X))
    sample_weight[:6] = 0.0
    estimator = clone(estimator)
    getattr(estimator, method)(
        X,
        _targets(estimator),
        sample_weight=sample_weight,
        **_classes_kwarg(estimator, method),
    )
    assert np.isfinite(np.asarray(estimator.predict(X), dtype=float)).all()


@pytest.mark.parametrize("estimator", _having("solver"), ids=_id)
def test_zero_sample_weight_drops_the_sample(estimator):
    """With the deterministic full-batch solver, weight 0 equals leaving the row out."""
    estimator = clone(estimator).set_params(solver="lbfgs", max_iter=20)
    keep = np.arange(len(X)) >= 6
    y = _targets(estimator)
    weighted = clone(estimator).fit(X, y, sample_weight=keep.astype(float))
    dropped = clone(estimator).fit(X[keep], y[keep])
    for W_weighted, W_dropped in zip(weighted.coefs_, dropped.coefs_, strict=True):
        np.testing.assert_allclose(W_weighted, W_dropped, rtol=1e-10, atol=1e-12)


# -- divergence ------------------------------------------------------------------

DIVERGENCE_TRIGGERS = {
    "learning_rate_init=1e6": (1.0, 1e6),
    "X*1e30": (1e30, 0.1),
}


# NumPy reports the overflow on its way to the non-finite loss; that is expected.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("trigger", sorted(DIVERGENCE_TRIGGERS))
@pytest.mark.parametrize(
    "estimator", _having("solver", "learning_rate_init", "n_iter_no_change"), ids=_id
)
def test_diverging_fit_raises_and_keeps_finite_predictions(estimator, trigger):
    scale, learning_rate_init = DIVERGENCE_TRIGGERS[trigger]
    estimator = clone(estimator).set_params(
        solver="sgd",
        learning_rate_init=learning_rate_init,
        max_iter=50,
        n_iter_no_change=50,
    )
    X_fit = X * scale
    with pytest.raises(ValueError, match="diverged"):
        estimator.fit(X_fit, _targets(estimator))
    output = estimator.predict_proba if is_classifier(estimator) else estimator.predict
    assert np.isfinite(output(X_fit)).all()
