"""DeepMLP* against scikit-learn's MLP*: constructor, attributes, methods, quality.

"Drop-in replacement" as a test: the same signature and defaults, the same public
fitted attributes and methods for every solver, and test scores within a point of
scikit-learn's on six standard data sets. ``pytest -s`` prints the quality table.
PerceptronClassifier is held to sklearn.linear_model.Perceptron the same way
(its quality table is in test_perceptron.py).
"""

import inspect
import warnings
from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import make_constraint
from threadpoolctl import threadpool_limits

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PAIRS = [(DeepMLPClassifier, MLPClassifier), (DeepMLPRegressor, MLPRegressor)]
PAIR_IDS = ["classifier", "regressor"]
SOLVERS = ("adam", "sgd", "lbfgs")
METHODS = (
    "fit",
    "partial_fit",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "score",
)


# Constructor parameters we add on top of scikit-learn's, in signature order;
# their defaults reproduce scikit-learn's behaviour.
_SHARED_EXTRAS = [
    "dropout",
    "weight_init",
    "weight_decay",
    "rho",
    "learning_rate_min",
    "step_decay_epochs",
    "step_decay_factor",
    "warmup_epochs",
    "max_grad_norm",
    "early_stopping_metric",
]
EXTRA_PARAMETERS = {
    DeepMLPClassifier: [*_SHARED_EXTRAS, "class_weight"],
    DeepMLPRegressor: [*_SHARED_EXTRAS, "huber_delta"],
}
# Fitted attributes we add for the stochastic solvers.
EXTRA_STOCHASTIC_ATTRIBUTES = {
    "history_",
    "best_epoch_",
    "validation_loss_curve_",
    "best_validation_loss_",
}
# fit's extra keyword arguments: validation data, as HistGradientBoosting takes.
EXTRA_FIT_PARAMETERS = ["X_val", "y_val", "sample_weight_val"]


def _init_parameters(estimator_class):
    parameters = inspect.signature(estimator_class.__init__).parameters
    return {name: p for name, p in parameters.items() if name != "self"}


def _public_fitted_attributes(estimator):
    return {
        name
        for name in vars(estimator)
        if name.endswith("_") and not name.startswith("_")
    }


def _small_data(estimator_class):
    """Standardised iris (classifier) or a 5-feature regression (regressor)."""
    if estimator_class in (DeepMLPClassifier, MLPClassifier, PerceptronClassifier):
        X, y = load_iris(return_X_y=True)
    else:
        X, y = make_regression(n_samples=120, n_features=5, noise=1.0, random_state=0)
        y = y / y.std()
    return StandardScaler().fit_transform(X), y


# -- constructor ------------------------------------------------------------------


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=PAIR_IDS)
def test_every_sklearn_parameter_has_same_kind_and_default(ours, theirs):
    our_params, their_params = _init_parameters(ours), _init_parameters(theirs)
    for name, theirs_param in their_params.items():
        assert name in our_params, f"missing parameter {name!r}"
        assert our_params[name].kind == theirs_param.kind, name
        assert our_params[name].default == theirs_param.default, name
    # scikit-learn's parameters come in scikit-learn's order
    assert [name for name in our_params if name in their_params] == list(their_params)


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=PAIR_IDS)
def test_no_parameters_beyond_sklearn_except_declared(ours, theirs):
    extra = [
        name for name in _init_parameters(ours) if name not in _init_parameters(theirs)
    ]
    assert extra == EXTRA_PARAMETERS[ours]
    assert sorted(ours().get_params()) == sorted(
        [*theirs().get_params(), *EXTRA_PARAMETERS[ours]]
    )


# -- fitted attributes --------------------------------------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("ours, theirs", PAIRS, ids=PAIR_IDS)
def test_same_public_fitted_attributes(ours, theirs, solver, early_stopping):
    X, y = _small_data(ours)
    params = dict(
        solver=solver,
        early_stopping=early_stopping,
        hidden_layer_sizes=(5,),
        max_iter=5,
        random_state=0,
    )
    our_est, their_est = ours(**params).fit(X, y), theirs(**params).fit(X, y)
    extras = EXTRA_STOCHASTIC_ATTRIBUTES if solver != "lbfgs" else set()
    assert _public_fitted_attributes(our_est) == (
        _public_fitted_attributes(their_est) | extras
    )
    # attributes that scikit-learn sets to None for this configuration are None here too
    for name in _public_fitted_attributes(their_est):
        their_is_none = getattr(their_est, name) is None
        assert (getattr(our_est, name) is None) == their_is_none, name


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=PAIR_IDS)
def test_feature_names_in_from_dataframe(ours, theirs):
    pd = pytest.importorskip("pandas")
    X, y = _small_data(ours)
    X_frame = pd.DataFrame(X, columns=[f"feature_{i}" for i in range(X.shape[1])])
    params = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    our_est, their_est = (
        ours(**params).fit(X_frame, y),
        theirs(**params).fit(X_frame, y),
    )
    assert "feature_names_in_" in _public_fitted_attributes(our_est)
    assert _public_fitted_attributes(our_est) == (
        _public_fitted_attributes(their_est) | EXTRA_STOCHASTIC_ATTRIBUTES
    )
    np.testing.assert_array_equal(
        our_est.feature_names_in_, their_est.feature_names_in_
    )


@pytest.mark.parametrize("variant", ["plain", "early_stopping", "sample_weight"])
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("ours, theirs", PAIRS, ids=PAIR_IDS)
def test_same_weights_as_sklearn_after_a_short_fit(ours, theirs, solver, variant):
    # Same random numbers drawn in the same order, so the same training run.
    X, y = _small_data(ours)
    params = dict(solver=solver, hidden_layer_sizes=(6,), max_iter=10, random_state=0)
    fit_params = {}
    if variant == "early_stopping":
        params["early_stopping"] = True
    elif variant == "sample_weight":
        fit_params["sample_weight"] = np.random.RandomState(0).uniform(size=len(y))
    our_est = ours(**params).fit(X, y, **fit_params)
    their_est = theirs(**params).fit(X, y, **fit_params)
    assert our_est.n_iter_ == their_est.n_iter_
    assert_allclose(our_est.loss_, their_est.loss_, rtol=1e-7)
    our_weights = our_est.coefs_ + our_est.intercepts_
    their_weights = their_est.coefs_ + their_est.intercepts_
    for our_W, their_W in zip(our_weights, their_weights):
        assert_allclose(our_W, their_W, rtol=1e-6, atol=1e-9)
    if variant == "early_stopping" and solver != "lbfgs":
        assert_allclose(our_est.validation_scores_, their_est.validation_scores_)


# -- methods ------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("ours, theirs", PAIRS, ids=PAIR_IDS)
def test_same_methods_and_method_signatures(ours, theirs, solver):
    our_est, their_est = ours(solver=solver), theirs(solver=solver)
    for method in METHODS:
        # MLPRegressor(solver="lbfgs") has partial_fit too (its availability
        # check forgets to call the solver test); ours follows it
        their_has = hasattr(their_est, method)
        assert hasattr(our_est, method) == their_has, method
        if their_has:
            our_parameters = inspect.signature(getattr(our_est, method)).parameters
            their_parameters = inspect.signature(getattr(their_est, method)).parameters
            extras = EXTRA_FIT_PARAMETERS if method == "fit" else []
            assert list(our_parameters) == [*their_parameters, *extras]
            for name, their_parameter in their_parameters.items():
                assert our_parameters[name] == their_parameter
    is_classifier = ours is DeepMLPClassifier
    assert hasattr(our_est, "partial_fit") == (solver != "lbfgs" or not is_classifier)
    assert hasattr(our_est, "predict_proba") == is_classifier
    assert hasattr(our_est, "predict_log_proba") == is_classifier


# -- PerceptronClassifier against sklearn.linear_model.Perceptron --------------------

# Constructor parameters on top of sklearn's Perceptron's, with their defaults.
PERCEPTRON_EXTRAS = {"activation": "step", "batch_size": "auto"}
# Fitted attributes on top of sklearn's Perceptron's.
PERCEPTRON_EXTRA_ATTRIBUTES = {"loss_curve_"}
PERCEPTRON_METHODS = (
    "fit",
    "partial_fit",
    "predict",
    "decision_function",
    "score",
    "densify",
    "sparsify",
)


def test_perceptron_has_every_sklearn_parameter_with_same_kind_and_default():
    ours, theirs = _init_parameters(PerceptronClassifier), _init_parameters(Perceptron)
    for name, their_param in theirs.items():
        assert name in ours, f"missing parameter {name!r}"
        assert ours[name].kind == their_param.kind, name
        assert ours[name].default == their_param.default, name
    assert [name for name in ours if name in theirs] == list(theirs)


def test_perceptron_extra_parameters_are_exactly_activation_and_batch_size():
    ours, theirs = _init_parameters(PerceptronClassifier), _init_parameters(Perceptron)
    extras = {name: p for name, p in ours.items() if name not in theirs}
    assert {name: p.default for name, p in extras.items()} == PERCEPTRON_EXTRAS
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in extras.values())
    assert sorted(PerceptronClassifier().get_params()) == sorted(
        [*Perceptron().get_params(), *PERCEPTRON_EXTRAS]
    )


@pytest.mark.parametrize("name", sorted(Perceptron._parameter_constraints))
def test_perceptron_accepts_what_sklearn_accepts(name):
    """The same constraint per parameter, so the same values fail and pass."""

    def described(estimator_class):
        # a StrOptions' text lists its set in hash order: compare the sets
        constraints = map(make_constraint, estimator_class._parameter_constraints[name])
        return sorted(
            repr(sorted(c.options)) if hasattr(c, "options") else str(c)
            for c in constraints
        )

    assert described(PerceptronClassifier) == described(Perceptron)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("activation", ["step", "sigmoid"])
def test_perceptron_public_fitted_attributes(activation, n_classes, early_stopping):
    X, y = _small_data(PerceptronClassifier)
    y = y if n_classes == 3 else (y == 1).astype(int)
    params = dict(early_stopping=early_stopping, max_iter=5)
    ours = PerceptronClassifier(activation=activation, **params).fit(X, y)
    theirs = Perceptron(**params).fit(X, y)
    their_attributes = _public_fitted_attributes(theirs)
    assert their_attributes == {
        "classes_",
        "coef_",
        "intercept_",
        "n_features_in_",
        "n_iter_",
        "t_",
    }  # a guard: the comparison below must not be vacuous
    assert _public_fitted_attributes(ours) == (
        their_attributes | PERCEPTRON_EXTRA_ATTRIBUTES
    )
    for name in their_attributes:
        our_value, their_value = getattr(ours, name), getattr(theirs, name)
        assert np.shape(our_value) == np.shape(their_value), name
    assert_allclose(ours.classes_, theirs.classes_)


def test_perceptron_feature_names_in_from_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _small_data(PerceptronClassifier)
    X_frame = pd.DataFrame(X, columns=[f"feature_{i}" for i in range(X.shape[1])])
    ours = PerceptronClassifier(max_iter=5).fit(X_frame, y)
    theirs = Perceptron(max_iter=5).fit(X_frame, y)
    assert _public_fitted_attributes(ours) == (
        _public_fitted_attributes(theirs) | PERCEPTRON_EXTRA_ATTRIBUTES
    )
    np.testing.assert_array_equal(ours.feature_names_in_, theirs.feature_names_in_)


@pytest.mark.parametrize("activation", ["step", "sigmoid"])
def test_perceptron_methods_and_method_signatures(activation):
    ours, theirs = PerceptronClassifier(activation=activation), Perceptron()
    for method in PERCEPTRON_METHODS:
        assert hasattr(theirs, method), method
        our_signature = inspect.signature(getattr(ours, method))
        assert our_signature == inspect.signature(getattr(theirs, method)), method
    # sklearn's Perceptron gives hard decisions only; so does the step neuron
    for method in ("predict_proba", "predict_log_proba"):
        assert not hasattr(theirs, method)
        assert hasattr(ours, method) == (activation == "sigmoid")


def test_perceptron_fit_signatures():
    """Spelt out, in case both libraries ever change together."""
    ours = PerceptronClassifier()
    assert str(inspect.signature(ours.fit)) == (
        "(X, y, coef_init=None, intercept_init=None, sample_weight=None)"
    )
    assert str(inspect.signature(ours.partial_fit)) == (
        "(X, y, classes=None, sample_weight=None)"
    )
    assert str(inspect.signature(ours.decision_function)) == "(X)"
    assert str(inspect.signature(ours.densify)) == "()"
    assert str(inspect.signature(ours.sparsify)) == "()"


# -- quality ------------------------------------------------------------------------

SEEDS = range(5)
TOLERANCE = {"classifier": 0.01, "regressor": 0.02}

# name: (() -> (X, y), kind, shared hyper-parameters, floor for sklearn's score)
QUALITY_CASES = {
    "digits": (
        partial(load_digits, return_X_y=True),
        "classifier",
        dict(max_iter=300),
        0.95,
    ),
    "breast_cancer": (
        partial(load_breast_cancer, return_X_y=True),
        "classifier",
        dict(max_iter=300),
        0.94,
    ),
    "wine": (
        partial(load_wine, return_X_y=True),
        "classifier",
        dict(max_iter=300),
        0.95,
    ),
    "iris": (
        partial(load_iris, return_X_y=True),
        "classifier",
        dict(max_iter=300),
        0.9,
    ),
    "diabetes": (
        partial(load_diabetes, return_X_y=True),
        "regressor",
        dict(solver="lbfgs", hidden_layer_sizes=(20,), alpha=10.0, max_iter=500),
        0.35,
    ),
    "make_regression": (
        partial(
            make_regression, n_samples=500, n_features=10, noise=10.0, random_state=0
        ),
        "regressor",
        dict(max_iter=500),
        0.95,
    ),
}
ESTIMATORS = {
    "classifier": {"skperceptron": DeepMLPClassifier, "sklearn": MLPClassifier},
    "regressor": {"skperceptron": DeepMLPRegressor, "sklearn": MLPRegressor},
}


def _split_and_scale(X, y, seed, kind):
    """Train/test split; X standardised on the train part, and y too for regressors.

    R^2 is unchanged by rescaling y and the predictions together.
    """
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if kind == "regressor":
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    return X_train, X_test, y_train, y_test


def _mean_test_score(estimator_class, loader, kind, params):
    X, y = loader()
    scores = []
    for seed in SEEDS:
        X_train, X_test, y_train, y_test = _split_and_scale(X, y, seed, kind)
        estimator = estimator_class(random_state=seed, **params).fit(X_train, y_train)
        scores.append(estimator.score(X_test, y_test))
    return float(np.mean(scores))


def _markdown_table(table):
    lines = [
        "| dataset | metric | sklearn | skperceptron | difference |",
        "|---|---|---|---|---|",
    ]
    for name, row in table.items():
        metric = "accuracy" if QUALITY_CASES[name][1] == "classifier" else "R^2"
        difference = row["skperceptron"] - row["sklearn"]
        lines.append(
            f"| {name} | {metric} | {row['sklearn']:.4f} | {row['skperceptron']:.4f} "
            f"| {difference:+.4f} |"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def quality_table():
    """Mean test score over ``SEEDS`` per data set and library, computed once."""
    table = {}
    # One BLAS thread: these matrices are small, and on a loaded 2-core machine
    # threaded BLAS made L-BFGS 40 times slower for both libraries.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, (loader, kind, params, _) in QUALITY_CASES.items():
            table[name] = {
                library: _mean_test_score(estimator_class, loader, kind, params)
                for library, estimator_class in ESTIMATORS[kind].items()
            }
    print(f"\n\nMean test score over {len(SEEDS)} seeds\n\n{_markdown_table(table)}\n")
    return table


@pytest.mark.parametrize("name", list(QUALITY_CASES))
def test_quality_within_tolerance_of_sklearn(quality_table, name):
    _, kind, _, floor = QUALITY_CASES[name]
    row = quality_table[name]
    assert row["sklearn"] >= floor, "settings too weak for a meaningful comparison"
    assert abs(row["skperceptron"] - row["sklearn"]) <= TOLERANCE[kind], row
