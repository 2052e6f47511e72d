"""skops persistence: every fitted estimator round-trips and keeps training identically.

A loaded model must predict exactly as the saved one and continue training
(``partial_fit``, or a ``warm_start`` fit) to the same weights, and the file
must hold nothing skops does not trust except ``skops_trusted_types()``.
"""

import importlib

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import is_classifier
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.preprocessing import LabelBinarizer, StandardScaler

import skperceptron
from skperceptron import (
    DeepMLPClassifier,
    DeepMLPRegressor,
    PerceptronClassifier,
    skops_trusted_types,
)
from skperceptron._core import OPTIMIZERS, SCHEDULES
from skperceptron._persistence import VersionMismatchWarning

sio = pytest.importorskip("skops.io")


def _classification(n_classes=3):
    X, y = make_classification(
        n_samples=80, n_features=5, n_informative=3, n_classes=n_classes, random_state=0
    )
    return StandardScaler().fit_transform(X), np.array(["ant", "bee", "cat"])[y]


def _regression(n_targets=1):
    X, y = make_regression(
        n_samples=80, n_features=5, n_targets=n_targets, noise=1.0, random_state=0
    )
    return X, y / y.std(axis=0)


def _mlp(estimator_class, data, **params):
    params = {"hidden_layer_sizes": (6,), "max_iter": 3, "random_state": 0, **params}
    return estimator_class(**params), data


def _classifier(**params):
    return _mlp(DeepMLPClassifier, _classification(), **params)


def _regressor(n_targets=1, **params):
    return _mlp(DeepMLPRegressor, _regression(n_targets), **params)


def _perceptron(n_classes=3, **params):
    return PerceptronClassifier(max_iter=3, **params), _classification(n_classes)


def _multilabel():
    X, Y = make_multilabel_classification(n_samples=80, n_features=5, random_state=0)
    return _mlp(DeepMLPClassifier, (X, Y))


# each: an unfitted model, its data, and how it is trained before saving
CONFIGURATIONS = {
    **{f"solver_{name}": (_classifier(solver=name), "fit") for name in OPTIMIZERS},
    **{
        f"schedule_{name}": (_classifier(solver="sgd", learning_rate=name), "fit")
        for name in SCHEDULES
    },
    "lbfgs": (_classifier(solver="lbfgs"), "fit"),
    "early_stopping": (_classifier(early_stopping=True, max_iter=5), "fit"),
    "warm_start": (_classifier(warm_start=True), "fit twice"),
    "partial_fit": (_classifier(), "partial_fit"),
    "per_layer_options": (
        _classifier(
            hidden_layer_sizes=(6, 4),
            activation=["gelu", "elu"],
            dropout=[0.2, 0.0],
            class_weight={"ant": 2.0},
            max_grad_norm=1.0,
        ),
        "fit",
    ),
    "random_state_instance": (
        _classifier(random_state=np.random.RandomState(0)),
        "fit",
    ),
    "multilabel": (_multilabel(), "fit"),
    "regressor_huber": (_regressor(loss="huber"), "fit"),
    "regressor_poisson": (_regressor(loss="poisson", solver="lbfgs"), "fit positive"),
    "regressor_multi_output_partial_fit": (_regressor(n_targets=2), "partial_fit"),
    "perceptron_step_binary": (_perceptron(2), "fit"),
    "perceptron_step_one_vs_rest": (_perceptron(), "fit"),
    "perceptron_sigmoid": (_perceptron(activation="sigmoid"), "fit"),
    "perceptron_early_stopping": (_perceptron(early_stopping=True), "fit"),
    "perceptron_partial_fit": (_perceptron(penalty="l2"), "partial_fit"),
    "perceptron_warm_start": (_perceptron(warm_start=True), "fit twice"),
}


def _trained(name):
    """A freshly trained model of configuration ``name``, and its data."""
    (model, (X, y)), training = CONFIGURATIONS[name]
    if training == "fit positive":
        y = np.abs(y)
    if training == "partial_fit":
        classes = np.unique(y) if is_classifier(model) and y.ndim == 1 else None
        extra = {"classes": classes} if classes is not None else {}
        model.partial_fit(X, y, **extra).partial_fit(X, y)
    else:
        model.fit(X, y)
    if training == "fit twice":
        model.fit(X, y)
    return model, X, y


def _outputs(model, X):
    """Everything the model computes for ``X``."""
    outputs = [model.predict(X)]
    for method in ("predict_proba", "decision_function"):
        if hasattr(model, method):
            outputs.append(getattr(model, method)(X))
    return outputs


def _continue_training(model, X, y):
    """One more ``partial_fit`` where it exists, else a ``warm_start`` fit."""
    if hasattr(model, "partial_fit") and not model.early_stopping:
        return model.partial_fit(X, y)
    return model.set_params(warm_start=True).fit(X, y)


def _round_trip(model, also_trusted=()):
    data = sio.dumps(model)
    trusted = [*skops_trusted_types(), *also_trusted]
    assert set(sio.get_untrusted_types(data=data)) <= set(trusted)
    return sio.loads(data, trusted=trusted)


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_loaded_model_predicts_and_trains_identically(name):
    model, X, y = _trained(name)
    loaded = _round_trip(model)
    for saved_output, loaded_output in zip(_outputs(model, X), _outputs(loaded, X)):
        assert_array_equal(loaded_output, saved_output)
    _continue_training(model, X, y)
    _continue_training(loaded, X, y)
    for saved_output, loaded_output in zip(_outputs(model, X), _outputs(loaded, X)):
        assert_array_equal(loaded_output, saved_output)


def _non_data(value, path="model"):
    """Paths inside ``value`` that hold neither arrays nor builtins.

    Containers are searched, and so are the objects of skperceptron and
    scikit-learn's ``LabelBinarizer``, which hold plain data themselves.
    """
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    elif isinstance(value, LabelBinarizer) or type(value).__module__.startswith(
        "skperceptron."
    ):
        items = vars(value).items()
    else:
        plain = isinstance(value, (int, float, str, type(None), np.generic))
        array = isinstance(value, np.ndarray) and value.dtype != object
        return [] if plain or array else [f"{path}: {type(value).__name__}"]
    return [
        problem for key, item in items for problem in _non_data(item, f"{path}.{key}")
    ]


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_fitted_state_holds_arrays_and_builtins(name):
    model, _, _ = _trained(name)
    parameters = model.get_params(deep=False)
    fitted = {key: value for key, value in vars(model).items() if key not in parameters}
    assert _non_data(fitted) == []


def test_trusted_types_are_skperceptron_classes():
    for name in skops_trusted_types():
        module_name, _, class_name = name.rpartition(".")
        assert module_name.startswith("skperceptron.")
        assert isinstance(
            getattr(importlib.import_module(module_name), class_name), type
        )


def test_model_trained_with_callbacks_saves_without_them():
    callback = pytest.importorskip("sklearn.callback")
    (model, (X, y)), _ = CONFIGURATIONS["partial_fit"]
    model.set_callbacks(callback.ScoringMonitor(scoring="accuracy")).fit(X, y)
    loaded = _round_trip(model.set_callbacks())
    assert_array_equal(
        _continue_training(loaded, X, y).predict_proba(X),
        _continue_training(model, X, y).predict_proba(X),
    )


def test_sparsified_perceptron_also_needs_its_sparse_matrix_trusted():
    """skops trusts scipy's ``spmatrix`` by name, not the ``csr_matrix`` subclass."""
    model, X, _ = _trained("perceptron_step_one_vs_rest")
    sparse_type = type(model.sparsify().coef_)
    also_trusted = [f"{sparse_type.__module__}.{sparse_type.__qualname__}"]
    loaded = _round_trip(model, also_trusted)
    assert_array_equal(loaded.decision_function(X), model.decision_function(X))
    assert_array_equal(loaded.coef_.toarray(), model.coef_.toarray())


def test_dump_and_load_a_file(tmp_path):
    model, X, _ = _trained("perceptron_sigmoid")
    sio.dump(model, tmp_path / "model.skops")
    loaded = sio.load(tmp_path / "model.skops", trusted=skops_trusted_types())
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_file_from_another_version_warns(monkeypatch):
    model, _, _ = _trained("lbfgs")
    data = sio.dumps(model)
    written_by = skperceptron.__version__
    monkeypatch.setattr(skperceptron, "__version__", written_by + ".post1")
    with pytest.warns(VersionMismatchWarning, match=f"by skperceptron {written_by} "):
        sio.loads(data, trusted=skops_trusted_types())
