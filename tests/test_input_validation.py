"""The bad-input battery: malformed data or parameters fail early, with a clear message.

Each case asserts the exception type scikit-learn raises and a message naming the
problem. Every estimator in ``ESTIMATORS`` runs every case whose parameters it has,
so a new estimator is covered by appending one line there.

``N_CASES`` (per test) and ``N_TOTAL`` at the bottom count the generated cases;
``test_battery_size`` checks them against what pytest collected.
"""

import inspect
import math
import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier
from skperceptron._fitting import NON_FINITE_WEIGHTS, DivergenceWarning

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
X_METHODS = (
    "fit",
    "partial_fit",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "score",
)


@pytest.mark.parametrize("case", sorted(BAD_X))
@pytest.mark.parametrize("estimator, method", _with_methods(X_METHODS))
def test_bad_X_raises(estimator, method, case):
    X_bad, match = BAD_X[case]
    y = _targets(estimator)[: len(X_bad)]
    if method in ("fit", "partial_fit"):
        estimator = clone(estimator)
        call = getattr(estimator, method)
        with pytest.raises(ValueError, match=match):
            call(X_bad, y, **_classes_kwarg(estimator, method))
    else:
        call = getattr(_fitted(estimator), method)
        args = (X_bad, y) if method == "score" else (X_bad,)
        with pytest.raises(ValueError, match=match):
            call(*args)


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
    "y_all_nan": (lambda y: {"y": np.full(len(y), np.nan)}, "Input (y )?contains NaN"),
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
    "weight_inf": (
        _weights(lambda w: np.where(np.arange(len(w)) == 1, np.inf, w)),
        "Input sample_weight contains infinity",
    ),
    "weight_strings": (
        _weights(lambda w: np.full(len(w), "a")),
        "could not convert string to float",
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
    _with_methods(
        [
            "predict",
            "predict_proba",
            "predict_log_proba",
            "decision_function",
            "partial_fit",
            "score",
        ]
    ),
)
def test_wrong_n_features_after_fit(estimator, method):
    fitted = _fitted(estimator)
    takes_y = method in ("partial_fit", "score")
    args = (X[:, :2], _targets(fitted)) if takes_y else (X[:, :2],)
    match = f"X has 2 features, but {_name(estimator)} is expecting 3 features"
    with pytest.raises(ValueError, match=match):
        getattr(fitted, method)(*args)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_partial_fit_with_changed_n_features(estimator):
    """Between two partial_fit calls, as between fit and predict."""
    first = clone(estimator)
    first.partial_fit(X, _targets(first), **_classes_kwarg(first, "partial_fit"))
    match = f"X has 2 features, but {_name(estimator)} is expecting 3 features"
    with pytest.raises(ValueError, match=match):
        first.partial_fit(X[:, :2], _targets(first))


@pytest.mark.parametrize("estimator", _having("warm_start"), ids=_id)
def test_warm_start_with_wrong_n_features(estimator):
    fitted = _fitted(estimator, warm_start=True)
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        fitted.fit(X[:, :2], _targets(fitted))


@pytest.mark.parametrize(
    "estimator, method",
    _with_methods(
        ["predict", "predict_proba", "predict_log_proba", "decision_function", "score"]
    ),
)
def test_predict_before_fit(estimator, method):
    args = (X, _targets(estimator)) if method == "score" else (X,)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(clone(estimator), method)(*args)


@pytest.mark.parametrize(
    "estimator", [e for e in _having("solver") if is_classifier(e)], ids=_id
)
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
    # scikit-learn's MLPs and its SGD family word it differently; each is mirrored
    if isinstance(estimator, PerceptronClassifier):
        message = "early_stopping should be False with partial_fit"
    else:
        message = r"partial_fit does not support early_stopping=True"
    with pytest.raises(ValueError, match=message):
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
    """As its scikit-learn counterpart: the MLP learns it, the Perceptron refuses."""
    if "hidden_layer_sizes" in estimator.get_params():
        fitted = clone(estimator).fit(X, np.full(len(X), 7))
        assert_array_equal(fitted.predict(X), np.full(len(X), 7))
        return
    with pytest.raises(ValueError, match="has to be greater than one"):
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


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_partial_fit_with_one_class(estimator):
    """One class for the whole stream behaves as in fit."""
    if "hidden_layer_sizes" in estimator.get_params():
        fitted = clone(estimator).partial_fit(X, np.zeros(len(X)), classes=[0])
        assert_array_equal(fitted.predict(X), np.zeros(len(X)))
        return
    with pytest.raises(ValueError, match="has to be greater than one"):
        clone(estimator).partial_fit(X, np.zeros(len(X)), classes=[0])


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_first_partial_fit_with_unseen_label(estimator):
    y_new = np.where(np.arange(len(X)) == 1, 7, Y_CLASS)
    with pytest.raises(ValueError, match=r"classes not in `self\.classes_`: \[7\]"):
        clone(estimator).partial_fit(X, y_new, classes=CLASSES)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
def test_continuous_labels(estimator, method):
    """Float targets are a regression problem, in scikit-learn's words."""
    kwargs = {"classes": np.unique(Y_REG)} if method == "partial_fit" else {}
    with pytest.raises(ValueError, match="Unknown label type"):
        getattr(clone(estimator), method)(X, Y_REG, **kwargs)


BAD_CLASS_WEIGHTS = {
    # scikit-learn's compute_class_weight names the classes left without a weight
    "unknown_class": ({7: 2.0}, "not in class_weight"),
    "one_unknown_class": ({0: 1.0, 7: 2.0}, "not in class_weight"),
    "string_key_for_int_labels": ({"0": 1.0, 1: 1.0, 2: 1.0}, "not in class_weight"),
    # weights multiply the sample weights, which must not be negative
    "negative": (
        {0: -1.0, 1: 1.0, 2: 1.0},
        "class_weight.*non-negative|[Nn]egative.*class_weight",
    ),
    "all_zero": ({0: 0.0, 1: 0.0, 2: 0.0}, "class weights are all zero"),
}


@pytest.mark.parametrize("case", sorted(BAD_CLASS_WEIGHTS))
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize(
    "estimator", _having("class_weight", estimators=CLASSIFIERS), ids=_id
)
def test_bad_class_weight(estimator, method, case):
    class_weight, match = BAD_CLASS_WEIGHTS[case]
    estimator = clone(estimator).set_params(class_weight=class_weight)
    with pytest.raises(ValueError, match=match):
        getattr(estimator, method)(X, Y_CLASS, **_classes_kwarg(estimator, method))


@pytest.mark.parametrize(
    "estimator", _having("class_weight", estimators=CLASSIFIERS), ids=_id
)
def test_partial_fit_rejects_balanced_class_weight(estimator):
    """One batch's class frequencies are not the stream's."""
    estimator = clone(estimator).set_params(class_weight="balanced")
    with pytest.raises(ValueError, match="'?balanced'? is not supported"):
        estimator.partial_fit(X, Y_CLASS, classes=CLASSES)


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


# -- validation data passed to fit ---------------------------------------------


def _takes_validation_data(estimator):
    return "X_val" in inspect.signature(estimator.fit).parameters


VALIDATION_ESTIMATORS = [est for est in ESTIMATORS if _takes_validation_data(est)]
_ROW_1 = np.arange(len(X)) == 1


def _val(**arrays):
    """fit's keyword arguments: the training targets' y_val unless given."""
    return lambda y: {"X_val": X, "y_val": y, **arrays}


# case -> (estimators it applies to, parameters, fit's extra arguments, match)
BAD_VALIDATION_DATA = {
    "y_val_without_X_val": (
        "all",
        {},
        lambda y: {"y_val": y},
        "y_val is provided, but X_val was not",
    ),
    "X_val_without_y_val": (
        "all",
        {},
        lambda y: {"X_val": X},
        "X_val is provided, but y_val was not",
    ),
    "sample_weight_val_alone": (
        "all",
        {},
        lambda y: {"sample_weight_val": np.ones(len(X))},
        "sample_weight_val is given without X_val and y_val",
    ),
    "without_early_stopping": (
        "all",
        {"early_stopping": False},
        _val(),
        "early_stopping is False",
    ),
    "with_lbfgs": ("all", {"solver": "lbfgs"}, _val(), "need a stochastic solver"),
    "X_val_n_features": (
        "all",
        {},
        _val(X_val=X[:, :2]),
        "X_val has 2 features, but .* is expecting 3",
    ),
    "X_val_nan": (
        "all",
        {},
        _val(X_val=_with_entry(np.nan)),
        "Input X_val contains NaN",
    ),
    "X_val_empty": (
        "all",
        {},
        lambda y: {"X_val": X[:0], "y_val": y[:0]},
        r"0 sample\(s\)",
    ),
    "y_val_too_short": (
        "all",
        {},
        lambda y: {"X_val": X, "y_val": y[:-1]},
        "inconsistent numbers of samples",
    ),
    "y_val_nan": (
        "all",
        {},
        lambda y: {"X_val": X, "y_val": np.where(_ROW_1, np.nan, y)},
        "Input y_val contains NaN",
    ),
    "sample_weight_val_negative": (
        "all",
        {},
        _val(sample_weight_val=-np.ones(len(X))),
        "Negative values in data passed to `sample_weight",
    ),
    "sample_weight_val_too_short": (
        "all",
        {},
        _val(sample_weight_val=np.ones(len(X) - 1)),
        r"sample_weight\.shape == \(29,\), expected \(30,\)",
    ),
    "y_val_unseen_class": (
        "classifier",
        {},
        lambda y: {"X_val": X, "y_val": np.where(_ROW_1, 7, y)},
        r"y_val has classes not seen in y: \[7\]",
    ),
    "y_val_continuous": (
        "classifier",
        {},
        lambda y: {"X_val": X, "y_val": Y_REG},
        "Unknown label type",
    ),
    "y_val_n_outputs": (
        "regressor",
        {},
        lambda y: {"X_val": X, "y_val": np.c_[y, y]},
        "y_val has 2 outputs where y has 1",
    ),
    "y_val_strings": (
        "regressor",
        {},
        lambda y: {"X_val": X, "y_val": np.full(len(y), "a")},
        "could not convert string to float",
    ),
}


def _validation_cases():
    kinds = {"all": (True, False), "classifier": (True,), "regressor": (False,)}
    return [
        pytest.param(est, case, id=f"{_id(est)}-{case}")
        for est in VALIDATION_ESTIMATORS
        for case, (kind, *_) in sorted(BAD_VALIDATION_DATA.items())
        if is_classifier(est) in kinds[kind]
    ]


@pytest.mark.parametrize("estimator, case", _validation_cases())
def test_bad_validation_data(estimator, case):
    _, params, make_arguments, match = BAD_VALIDATION_DATA[case]
    estimator = clone(estimator).set_params(**{"early_stopping": True, **params})
    y = _targets(estimator)
    with pytest.raises(ValueError, match=match):
        estimator.fit(X, y, **make_arguments(y))


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
    ("n_jobs", 1.5),
    # zero, negative or malformed sizes, rates and counts
    ("hidden_layer_sizes", 3.0),
    ("hidden_layer_sizes", [[3]]),
    ("learning_rate_init", np.inf),
    ("eta0", np.nan),
    ("eta0", np.inf),
    ("max_iter", "many"),
    ("n_iter_no_change", -1),
    ("n_iter_no_change", 1.5),
    ("max_fun", -1),
    ("epsilon", -1e-8),
    ("alpha", np.nan),
    ("tol", np.nan),
    ("power_t", np.nan),
    ("learning_rate_min", -1e-3),
    ("step_decay_epochs", 0),
    ("step_decay_factor", 0.0),
    ("step_decay_factor", 1.5),
    ("warmup_epochs", -1),
    ("max_grad_norm", 0.0),
    ("max_grad_norm", -1.0),
    ("weight_decay", -0.01),
    ("huber_delta", 0.0),
    ("huber_delta", -1.0),
    # fractions outside their ranges
    ("validation_fraction", np.nan),
    ("momentum", np.nan),
    ("beta_1", 1.5),
    ("beta_2", -0.1),
    ("beta_2", 1.5),
    ("rho", 1.0),
    ("rho", -0.1),
    ("dropout", 1.0),
    ("dropout", 1.5),
    ("dropout", -0.1),
    ("dropout", np.nan),
    ("dropout", "half"),
    # per-hidden-layer lists of the wrong length or with bad entries
    ("dropout", [0.1, 0.2]),
    ("dropout", []),
    ("dropout", [1.0]),
    ("dropout", [-0.1]),
    ("activation", ["relu", "tanh"]),
    ("activation", []),
    ("activation", ["nope"]),
    ("activation", [1]),
    # unknown strings for every string option
    ("activation", "nope"),
    ("solver", "nope"),
    ("learning_rate", "nope"),
    ("learning_rate", "Cosine"),
    ("weight_init", "nope"),
    ("weight_init", "xavier"),
    ("loss", "nope"),
    ("loss", "log_loss"),
    ("early_stopping_metric", "nope"),
    ("early_stopping_metric", "accuracy"),
    ("batch_size", "nope"),
    ("penalty", "nope"),
    ("class_weight", "nope"),
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


def _invalid_parameter_after_fit_cases():
    """[(estimator, param, value)] where partial_fit survives the invalid value."""
    return [
        pytest.param(est, param, value, id=f"{_id(est)}-{param}={value!r}")
        for est in ESTIMATORS
        for param, value in INVALID_PARAMETERS
        if param in est.get_params()
        and hasattr(clone(est).set_params(**{param: value}), "partial_fit")
    ]


@pytest.mark.parametrize(
    "estimator, param, value", _invalid_parameter_after_fit_cases()
)
def test_invalid_parameter_set_between_partial_fits(estimator, param, value):
    """set_params between two partial_fit calls is validated like a first call.

    scikit-learn's ``_fit_context`` skips validation in partial_fit once the
    estimator is fitted; without it an invalid value fails deep inside (a
    KeyError for an unknown activation) or trains with it (a negative eta0).
    """
    fitted = _fitted(estimator).set_params(**{param: value})
    with pytest.raises(InvalidParameterError, match=param):
        fitted.partial_fit(X, _targets(fitted))


# parameters valid one by one, invalid together: (parameters, match)
INVALID_COMBINATIONS = {
    "dropout_with_lbfgs": (
        {"dropout": 0.5, "solver": "lbfgs"},
        "dropout needs a stochastic solver",
    ),
    "per_layer_dropout_with_lbfgs": (
        {"dropout": [0.5], "solver": "lbfgs"},
        "dropout needs a stochastic solver",
    ),
    "activation_list_too_short": (
        {"hidden_layer_sizes": (4, 4), "activation": ["relu"]},
        r"'activation' parameter .* one entry per hidden layer \(2\)",
    ),
    "dropout_list_too_long": (
        {"hidden_layer_sizes": (4, 4), "dropout": [0.1, 0.1, 0.1]},
        r"'dropout' parameter .* one entry per hidden layer \(2\)",
    ),
}


def _invalid_combination_cases():
    return [
        pytest.param(est, case, id=f"{_id(est)}-{case}")
        for est in ESTIMATORS
        for case, (params, _) in sorted(INVALID_COMBINATIONS.items())
        if set(params) <= set(est.get_params())
    ]


@pytest.mark.parametrize("estimator, case", _invalid_combination_cases())
def test_invalid_parameter_combination(estimator, case):
    params, match = INVALID_COMBINATIONS[case]
    estimator = clone(estimator).set_params(**params)
    with pytest.raises(ValueError, match=match):
        estimator.fit(X, _targets(estimator))


# -- failures leave a fitted estimator as it was -------------------------------


def _weight_arrays(estimator):
    """Every layer's weights and biases, or a linear model's coef_ and intercept_."""
    if hasattr(estimator, "coefs_"):
        return [*estimator.coefs_, *estimator.intercepts_]
    return [estimator.coef_, estimator.intercept_]


def _outputs(estimator, X):
    """Everything the estimator predicts for ``X``."""
    methods = ("predict", "predict_proba", "decision_function")
    return {m: getattr(estimator, m)(X) for m in methods if hasattr(estimator, m)}


def _failing_partial_fits(estimator):
    """(case, parameters set first, args, kwargs) of each partial_fit that fails.

    Every bad input and parameter of this battery that reaches partial_fit, on
    an estimator that is already fitted.
    """
    y, params = _targets(estimator), estimator.get_params()
    for case, (X_bad, _) in sorted(BAD_X.items()):
        yield f"X_{case}", {}, (X_bad, y[: len(X_bad)]), {}
    for case, (make_arguments, _) in sorted(BAD_FIT_ARGUMENTS.items()):
        arguments = {"y": y, **make_arguments(y)}
        yield case, {}, (X, arguments.pop("y")), arguments
    yield "n_features", {}, (X[:, :2], y), {}
    for param, value in INVALID_PARAMETERS:
        invalid = {param: value}
        if param in params and hasattr(
            clone(estimator).set_params(**invalid), "partial_fit"
        ):
            yield f"{param}={value!r}", invalid, (X, y), {}
    if "hidden_layer_sizes" in params:
        yield "architecture", {"hidden_layer_sizes": (5,)}, (X, y), {}
    if "early_stopping" in params:
        yield "early_stopping", {"early_stopping": True}, (X, y), {}
    if not is_classifier(estimator):
        yield "n_outputs", {}, (X, np.c_[y, y]), {}
        return
    yield "unseen_label", {}, (X, np.where(_ROW_1, 7, y)), {}
    yield "changed_classes", {}, (X, y), {"classes": [0, 1, 2, 3]}
    yield "continuous_labels", {}, (X, Y_REG), {}
    if "class_weight" in params:
        for case, (class_weight, _) in sorted(BAD_CLASS_WEIGHTS.items()):
            yield f"class_weight_{case}", {"class_weight": class_weight}, (X, y), {}
        yield "class_weight_balanced", {"class_weight": "balanced"}, (X, y), {}


@pytest.mark.parametrize(
    "estimator, params, args, kwargs",
    [
        pytest.param(est, params, args, kwargs, id=f"{_id(est)}-{case}")
        for est in ESTIMATORS
        for case, params, args, kwargs in _failing_partial_fits(est)
    ],
)
def test_failing_partial_fit_leaves_estimator_unchanged(
    estimator, params, args, kwargs
):
    fitted = _fitted(estimator)
    weights = [W.copy() for W in _weight_arrays(fitted)]
    n_iter, outputs = fitted.n_iter_, _outputs(fitted, X)
    valid_params = {name: fitted.get_params()[name] for name in params}
    state = pickle.dumps(fitted.set_params(**params))  # solver state included
    with pytest.raises(ValueError):
        fitted.partial_fit(*args, **kwargs)
    assert pickle.dumps(fitted) == state
    for before, after in zip(weights, _weight_arrays(fitted), strict=True):
        np.testing.assert_array_equal(before, after)
    assert fitted.n_iter_ == n_iter
    np.testing.assert_equal(_outputs(fitted.set_params(**valid_params), X), outputs)


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


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_zero_sample_weight_drops_the_sample_in_full_batches(estimator, method):
    """One unshuffled batch of all rows: weight 0 equals leaving the row out."""
    keep = np.arange(len(X)) >= 6
    y = _targets(estimator)
    kwargs = _classes_kwarg(estimator, method)
    fit = lambda *args, **weights: getattr(  # noqa: E731
        clone(estimator).set_params(shuffle=False, batch_size=len(args[0])), method
    )(*args, **weights, **kwargs)
    weighted = fit(X, y, sample_weight=keep.astype(float))
    dropped = fit(X[keep], y[keep])
    for W_weighted, W_dropped in zip(
        _weight_arrays(weighted), _weight_arrays(dropped), strict=True
    ):
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
def test_diverging_fit_stops_clearly_and_keeps_finite_predictions(estimator, trigger):
    """Raised before a finite epoch, warned after one; finite outputs both ways."""
    scale, learning_rate_init = DIVERGENCE_TRIGGERS[trigger]
    estimator = clone(estimator).set_params(
        solver="sgd",
        learning_rate_init=learning_rate_init,
        max_iter=50,
        n_iter_no_change=50,
    )
    X_fit = X * scale
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DivergenceWarning)
            estimator.fit(X_fit, _targets(estimator))
    except ValueError as error:
        assert str(error).startswith(NON_FINITE_WEIGHTS)
    else:
        assert [w.category for w in caught] == [DivergenceWarning]
        assert np.isnan(estimator.loss_curve_[-1])
    output = estimator.predict_proba if is_classifier(estimator) else estimator.predict
    assert np.isfinite(output(X_fit)).all()


# Every solver of the deep estimators, and both neurons of the perceptron.
DIVERGENCE_ESTIMATORS = [
    clone(est).set_params(solver=solver, max_iter=50, n_iter_no_change=50)
    for est in _having("solver")
    for solver in ("sgd", "adam", "adamw", "rmsprop", "lbfgs")
] + [
    clone(est).set_params(max_iter=50)
    for est in ESTIMATORS
    if "solver" not in est.get_params()
]

# case -> (scale of X, parameters, a parameter the estimator must have)
EXTREME_TRAINING = {
    "learning_rate_init=1e6": (1.0, {"learning_rate_init": 1e6}, "learning_rate_init"),
    "eta0=1e300": (1.0, {"eta0": 1e300}, "eta0"),
    "X*1e30": (1e30, {}, "max_iter"),
    "X*1e300": (1e300, {}, "max_iter"),
    # saturated hidden units: the gradient through them vanishes
    "logistic_X*1e30": (1e30, {"activation": "logistic"}, "hidden_layer_sizes"),
    "tanh_X*1e6_lr=10": (
        1e6,
        {"activation": "tanh", "learning_rate_init": 10.0},
        "hidden_layer_sizes",
    ),
}


def _extreme_training_cases():
    return [
        pytest.param(
            est,
            case,
            id=f"{_id(est)}-{est.get_params().get('solver', 'sgd')}-{case}",
        )
        for est in DIVERGENCE_ESTIMATORS
        for case, (_, _, needs) in sorted(EXTREME_TRAINING.items())
        if needs in est.get_params()
    ]


def _assert_finite_outputs(estimator, X):
    """Probabilities and scores are finite; predicted labels are known classes."""
    for method, output in _outputs(estimator, X).items():
        if method == "predict" and is_classifier(estimator):
            assert np.isin(output, estimator.classes_).all(), method
        else:
            assert np.isfinite(output).all(), method


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("estimator, case", _extreme_training_cases())
def test_extreme_training_stops_clearly_or_completes(estimator, case):
    """Either scikit-learn's error or a fit; finite predictions either way."""
    scale, params, _ = EXTREME_TRAINING[case]
    estimator = clone(estimator).set_params(**params)
    X_fit = X * scale
    try:
        estimator.fit(X_fit, _targets(estimator))
    except ValueError as error:
        assert str(error).startswith(NON_FINITE_WEIGHTS), error
    _assert_finite_outputs(estimator, X_fit)
    _assert_finite_outputs(estimator, X)


# -- the size of the battery -----------------------------------------------------


def _n_cases(test):
    """How many cases the parametrize marks of ``test`` generate."""
    return math.prod(
        len(mark.args[1])
        for mark in getattr(test, "pytestmark", [])
        if mark.name == "parametrize"
    )


def test_battery_size(request):
    """``N_TOTAL`` is the number of cases pytest generates from this module."""
    collected = [
        item
        for item in request.session.items
        if getattr(item, "module", None) is request.module
    ]
    selected = {item.originalname for item in collected}
    options = request.config.option
    if selected != set(N_CASES) or options.keyword or options.markexpr:
        pytest.skip("only part of the battery was selected")
    assert len(collected) == N_TOTAL


N_CASES = {
    name: _n_cases(test)
    for name, test in sorted(globals().items())
    if name.startswith("test_") and callable(test)
}
N_TOTAL = sum(N_CASES.values())
