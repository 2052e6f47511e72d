"""numpydoc validation of the public API, and docstrings that keep up with the code.

Each estimator in ``ESTIMATORS`` is checked; a new estimator is one more entry there.
"""

import inspect
import re

import pytest
from numpydoc.docscrape import NumpyDocString
from numpydoc.validate import validate
from sklearn.utils._param_validation import StrOptions

from skperceptron import DeepMLPClassifier, DeepMLPRegressor
from skperceptron._core import ACTIVATIONS

ESTIMATORS = [DeepMLPClassifier, DeepMLPRegressor]

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


def test_the_usual_methods_are_validated():
    """A guard against ``_public_methods`` silently finding nothing."""
    for cls in ESTIMATORS:
        assert {"fit", "predict"} <= set(_public_methods(cls))


def _parameters(estimator):
    doc = NumpyDocString(inspect.getdoc(estimator))
    return {param.name: param.type for param in doc["Parameters"]}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_parameter_is_documented(estimator):
    assert sorted(_parameters(estimator)) == sorted(estimator().get_params())


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_activation_is_documented(estimator):
    doc = inspect.getdoc(estimator)
    missing = [name for name in ACTIVATIONS if f"'{name}'" not in doc]
    assert missing == []


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_documented_string_options_match_the_constraints(estimator):
    """``{'a', 'b'}`` in a parameter's type lists exactly what validation accepts."""
    documented_types = _parameters(estimator)
    for param, constraints in estimator._parameter_constraints.items():
        accepted = set()
        for constraint in constraints:
            if isinstance(constraint, StrOptions):
                accepted |= constraint.options - constraint.deprecated
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
