"""numpydoc validation of the public API, and docstrings that keep up with the code.

Each estimator in ``ESTIMATORS`` is checked; a new estimator is one more entry there.
"""

import inspect
import re

import pytest
from numpydoc.docscrape import NumpyDocString
from numpydoc.validate import validate
from sklearn.datasets import make_classification
from sklearn.utils._param_validation import StrOptions

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier
from skperceptron._core import ACTIVATIONS

ESTIMATORS = [DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier]

# numpydoc checks we do not apply, each for a stated reason; everything else must pass.
IGNORED_EVERYWHERE = {
    # "self : object" names what fit returns, as scikit-learn writes it.
    "RT02",
}
IGNORED_FOR_METHODS = {
    "ES01",  # a one-line summary says enough for fit/predict; the class has the detail
    "SA01",  # See Also lives on the class, not repeated on every method
    "EX01",  # the class Examples show every method in use
}


def _public_methods(cls):
    """Public methods defined in skperceptron; inherited sklearn ones are theirs."""
    return [
        name
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_")
        and getattr(member, "__module__", "").startswith("skperceptron")
    ]


def _errors(import_path, ignored):
    return [
        f"{code}: {message}"
        for code, message in validate(import_path)["errors"]
        if code not in ignored
    ]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_class_docstring(estimator):
    import_path = f"skperceptron.{estimator.__name__}"
    assert _errors(import_path, IGNORED_EVERYWHERE) == []


@pytest.mark.parametrize(
    "import_path",
    [
        f"skperceptron.{cls.__name__}.{name}"
        for cls in ESTIMATORS
        for name in _public_methods(cls)
    ],
)
def test_method_docstring(import_path):
    ignored = IGNORED_EVERYWHERE | IGNORED_FOR_METHODS
    assert _errors(import_path, ignored) == []


@pytest.mark.parametrize("import_path", ["skperceptron.skops_trusted_types"])
def test_function_docstring(import_path):
    assert _errors(import_path, IGNORED_EVERYWHERE) == []


@pytest.mark.parametrize(
    "import_path, ignored",
    [
        ("skperceptron.find_learning_rate", set()),
        ("skperceptron.LearningRateFinderDisplay", set()),
        ("skperceptron.LearningRateFinderDisplay.plot", IGNORED_FOR_METHODS),
        ("skperceptron.LearningRateFinderDisplay.from_estimator", IGNORED_FOR_METHODS),
    ],
)
def test_learning_rate_finder_docstrings(import_path, ignored):
    assert _errors(import_path, IGNORED_EVERYWHERE | ignored) == []


def test_the_usual_methods_are_validated():
    """A guard against ``_public_methods`` silently finding nothing.

    The perceptron's ``predict`` and ``decision_function`` are scikit-learn's
    (``LinearClassifierMixin``), documented there.
    """
    for cls in ESTIMATORS:
        assert {"fit", "partial_fit"} <= set(_public_methods(cls))
    for cls in (DeepMLPClassifier, DeepMLPRegressor):
        assert "predict" in _public_methods(cls)


def _parameters(estimator):
    doc = NumpyDocString(inspect.getdoc(estimator))
    return {param.name: param.type for param in doc["Parameters"]}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_parameter_is_documented(estimator):
    assert sorted(_parameters(estimator)) == sorted(estimator().get_params())


def _accepted_strings(estimator, param):
    """The strings that ``param`` accepts, read from the constraints."""
    accepted = set()
    for constraint in estimator._parameter_constraints[param]:
        if isinstance(constraint, StrOptions):
            accepted |= constraint.options - constraint.deprecated
    return accepted


@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_mlp_activations_are_the_registry(estimator):
    assert _accepted_strings(estimator, "activation") == set(ACTIVATIONS)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_activation_is_documented(estimator):
    """The MLPs' hidden-layer registry; the perceptron's step and sigmoid neurons."""
    doc = inspect.getdoc(estimator)
    accepted = _accepted_strings(estimator, "activation")
    missing = [name for name in sorted(accepted) if f"'{name}'" not in doc]
    assert missing == []


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_documented_string_options_match_the_constraints(estimator):
    """``{'a', 'b'}`` in a parameter's type lists exactly what validation accepts."""
    documented_types = _parameters(estimator)
    for param in estimator._parameter_constraints:
        accepted = _accepted_strings(estimator, param)
        if not accepted:
            continue
        type_without_default = documented_types[param].split(", default=")[0]
        documented = set(re.findall(r"'([^']*)'", type_without_default))
        assert documented == accepted, param


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_class_has_runnable_examples(estimator):
    """The Examples run under ``--doctest-modules``; here we check they exist."""
    examples = "\n".join(NumpyDocString(inspect.getdoc(estimator))["Examples"])
    assert re.search(rf">>> .*\b{estimator.__name__}\(", examples)
    assert ".fit(" in examples


# -- documented attributes match fitted ones ----------------------------------------


def _fitted_configurations():
    """Each estimator in each way of fitting that sets a different attribute set."""
    configurations = [PerceptronClassifier()]
    for estimator in (DeepMLPClassifier, DeepMLPRegressor):
        for solver in ("lbfgs", "sgd", "adam"):
            configurations.append(estimator(solver=solver))
            configurations.append(estimator(solver=solver, early_stopping=True))
    return configurations


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator", _fitted_configurations(), ids=repr)
def test_documented_attributes_are_the_fitted_ones(estimator):
    """As scikit-learn's docstring test: a conditional attribute says "only".

    Every attribute documented without the word "only" exists after fit, and
    every public fitted attribute is documented.
    """
    X, y = make_classification(
        n_samples=20, n_features=3, n_redundant=0, random_state=2
    )
    estimator.set_params(max_iter=2, random_state=0).fit(X, y)
    documented = NumpyDocString(type(estimator).__doc__)["Attributes"]
    for attribute in documented:
        if "only " not in " ".join(attribute.desc).lower():
            assert hasattr(estimator, attribute.name), attribute.name
    fitted = {
        name
        for name in vars(estimator)
        if name.endswith("_") and not name.startswith("_")
    }
    assert fitted <= {attribute.name for attribute in documented}
