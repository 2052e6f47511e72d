"""ONNX export: onnxruntime reproduces predict and predict_proba in every configuration.

Each configuration fits a small model; the test exports it with skl2onnx,
runs it with onnxruntime on float32 and on float64 inputs and compares the
labels (exactly) and the probabilities, scores or predictions (within
``TOLERANCE``) with the estimator's own methods on the same input.
"""

from functools import cache

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier
from skperceptron._core import ACTIVATIONS, LOSSES

skl2onnx = pytest.importorskip("skl2onnx")
onnxruntime = pytest.importorskip("onnxruntime")
skperceptron_onnx = pytest.importorskip("skperceptron.onnx")

DTYPES = [np.float32, np.float64]

# onnxruntime against NumPy on the same input. float32 graphs round every
# operation to float32 (and onnxruntime's float32 Sigmoid and Tanh are fast
# approximations, 1.5e-7 and 2.7e-7 absolute); absolute terms cover
# probabilities near 0. float64 graphs agree to rounding, except that erf
# (GELU) is float32 in onnxruntime whatever the graph's type.
TOLERANCE = {
    np.float32: dict(rtol=1e-5, atol=1e-6),
    np.float64: dict(rtol=1e-12, atol=1e-13),
}
GELU_FLOAT64_TOLERANCE = dict(rtol=1e-6, atol=1e-7)


def _classification(n_classes, labels=None):
    X, y = make_classification(
        n_samples=100,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        random_state=0,
    )
    # spread the inputs so that hidden units reach their non-linear range
    X = 3 * StandardScaler().fit_transform(X)
    return X, y if labels is None else np.asarray(labels)[y]


def _regression(n_targets=1):
    X, y = make_regression(
        n_samples=100, n_features=6, n_targets=n_targets, noise=1.0, random_state=0
    )
    return 3 * StandardScaler().fit_transform(X), y / y.std(axis=0)


def _deep(estimator_class, X, y, activation="tanh", **params):
    model = estimator_class(
        hidden_layer_sizes=(12, 8),
        activation=activation,
        solver="lbfgs",
        max_iter=30,
        random_state=0,
        **params,
    )
    return model.fit(X, y), X


# -- the configurations: each returns a fitted model and inputs to predict ------


def regressor_with(activation):
    return _deep(DeepMLPRegressor, *_regression(), activation=activation)


def per_layer_activations():
    X, y = _classification(3)
    return _deep(DeepMLPClassifier, X, y, activation=["gelu", "elu"])


def binary_int_labels():
    return _deep(DeepMLPClassifier, *_classification(2, labels=[-1, 7]))


def binary_string_labels():
    return _deep(DeepMLPClassifier, *_classification(2, labels=["no", "yes"]))


def multiclass_int_labels():
    return _deep(DeepMLPClassifier, *_classification(4), activation="relu")


def multiclass_string_labels():
    labels = ["cat", "dog", "eagle", "fish"]
    return _deep(DeepMLPClassifier, *_classification(4, labels=labels))


def multilabel():
    X, Y = make_multilabel_classification(
        n_samples=100, n_features=6, n_classes=4, random_state=0
    )
    X = 3 * StandardScaler().fit_transform(X)
    return _deep(DeepMLPClassifier, X, Y, activation="silu")


def regressor_loss(loss):
    def configuration():
        X, y = _regression()
        if loss == "poisson":
            y = np.exp(y / 2)
        return _deep(DeepMLPRegressor, X, y, activation="softplus", loss=loss)

    configuration.__name__ = f"regressor_{loss}"
    return configuration


def multi_output_regression():
    return _deep(DeepMLPRegressor, *_regression(n_targets=3), activation="leaky_relu")


def adam_classifier():
    X, y = _classification(3)
    model = DeepMLPClassifier((16,), activation="elu", max_iter=30, random_state=0)
    return model.fit(X, y), X


def perceptron(activation, n_classes, labels=None, **params):
    def configuration():
        X, y = _classification(n_classes, labels=labels)
        model = PerceptronClassifier(activation=activation, max_iter=20, **params)
        return model.fit(X, y), X

    kind = "binary" if n_classes == 2 else "multiclass"
    configuration.__name__ = f"perceptron_{activation}_{kind}"
    return configuration


def perceptron_sparse_coef():
    model, X = perceptron("step", 3)()
    return model.sparsify(), X


def pipeline_classifier():
    X, y = _classification(3, labels=["a", "b", "c"])
    X = 10 * X + 5  # raw, unscaled inputs: the scaler is part of the model
    model = make_pipeline(
        StandardScaler(),
        DeepMLPClassifier(
            (8,), activation="gelu", solver="lbfgs", alpha=1.0, random_state=0
        ),
    )
    return model.fit(X, y), X


def pipeline_regressor():
    X, y = _regression(n_targets=2)
    X = 10 * X + 5
    model = make_pipeline(
        StandardScaler(),
        DeepMLPRegressor(
            hidden_layer_sizes=(8,), activation="elu", solver="lbfgs", random_state=0
        ),
    )
    return model.fit(X, y), X


def pipeline_perceptron():
    X, y = _classification(2)
    model = make_pipeline(StandardScaler(), PerceptronClassifier(activation="sigmoid"))
    return model.fit(10 * X + 5, y), 10 * X + 5


CONFIGURATIONS = [
    *[
        pytest.param(lambda name=name: regressor_with(name), id=f"activation_{name}")
        for name in sorted(ACTIVATIONS)
    ],
    per_layer_activations,
    binary_int_labels,
    binary_string_labels,
    multiclass_int_labels,
    multiclass_string_labels,
    multilabel,
    *[regressor_loss(loss) for loss in ("squared_error", "huber", "absolute_error")],
    regressor_loss("poisson"),
    multi_output_regression,
    adam_classifier,
    perceptron("step", 2),
    perceptron("step", 4, labels=["w", "x", "y", "z"]),
    perceptron("sigmoid", 2, labels=[3, 5], fit_intercept=False),
    perceptron("sigmoid", 4),
    perceptron_sparse_coef,
    pipeline_classifier,
    pipeline_regressor,
    pipeline_perceptron,
]


# -- running a model in onnxruntime ---------------------------------------------


@cache
def _fitted(configuration):
    """Each configuration is fitted once for both dtypes."""
    return configuration()


def _final_estimator(model):
    return model.steps[-1][1] if hasattr(model, "steps") else model


def _onnx_outputs(model, X, **options):
    """onnxruntime's outputs for ``X`` from the model exported for ``X``'s dtype."""
    estimator = _final_estimator(model)
    if hasattr(estimator, "classes_"):
        options = {"zipmap": False, **options}
    onx = skl2onnx.to_onnx(model, X[:1], options={type(estimator): options})
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _expected_outputs(model):
    """What the ONNX outputs reproduce: labels, then proba, scores or values."""
    estimator = _final_estimator(model)
    if not hasattr(estimator, "classes_"):
        return model.predict, lambda X: model.predict(X).reshape(len(X), -1)
    if getattr(estimator, "activation", None) == "step":
        return model.predict, lambda X: _two_columns(model.decision_function(X))
    return model.predict, model.predict_proba


def _two_columns(scores):
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def _tolerance(model, dtype):
    estimator = _final_estimator(model)
    activation = np.ravel(getattr(estimator, "activation", ""))
    if dtype == np.float64 and "gelu" in activation:
        return GELU_FLOAT64_TOLERANCE
    return TOLERANCE[dtype]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda dtype: dtype.__name__)
@pytest.mark.parametrize("configuration", CONFIGURATIONS)
def test_onnxruntime_reproduces_predictions(configuration, dtype):
    model, X = _fitted(configuration)
    X = X.astype(dtype)
    predict, values = _expected_outputs(model)
    outputs = _onnx_outputs(model, X)
    assert outputs[-1].dtype == dtype
    expected = values(X)
    tolerance = dict(_tolerance(model, dtype))
    # unbounded scores (the step perceptron's decisions) cancel terms as
    # large as the scores themselves: their rounding scales with them
    tolerance["atol"] *= max(1.0, float(np.abs(expected).max()))
    assert_allclose(outputs[-1], expected, **tolerance)
    if len(outputs) == 2:
        assert_array_equal(outputs[0], predict(X))


def test_every_activation_and_link_has_a_translation():
    """A new registry entry needs its ONNX translation (and the test above runs it)."""
    assert set(skperceptron_onnx._ACTIVATION_NODES) == set(ACTIVATIONS)
    links = {loss.link_name for loss in LOSSES.values()}
    assert links <= set(skperceptron_onnx._LINK_NODES)


def test_zipmap_gives_a_dict_per_sample():
    model, X = multiclass_string_labels()
    X = X[:5].astype(np.float32)  # onnxruntime's ZipMap takes float32 only
    labels, probabilities = _onnx_outputs(model, X, zipmap=True)
    assert_array_equal(labels, model.predict(X))
    assert [sorted(row) for row in probabilities] == [list(model.classes_)] * 5
    expected = model.predict_proba(X)
    for row, proba in zip(probabilities, expected):
        assert_allclose([row[label] for label in model.classes_], proba, rtol=1e-5)


def test_a_dataframe_gives_one_input_per_column():
    pd = pytest.importorskip("pandas")
    X, y = _classification(3)
    frame = pd.DataFrame(X.astype(np.float32), columns=[f"x{i}" for i in range(6)])
    model = DeepMLPClassifier((4,), solver="lbfgs", max_iter=20).fit(frame, y)
    onx = skl2onnx.to_onnx(model, frame[:1], options={"zipmap": False})
    session = onnxruntime.InferenceSession(onx.SerializeToString())
    columns = {name: frame[[name]].to_numpy() for name in frame.columns}
    labels, proba = session.run(None, columns)
    assert_array_equal(labels, model.predict(frame))
    assert_allclose(proba, model.predict_proba(frame), **TOLERANCE[np.float32])


def _print_largest_differences():
    """The largest differences to onnxruntime per configuration and dtype."""
    print(
        "| configuration | dtype | max abs diff | max rel diff, |y| >= 0.1 | labels |"
    )
    print("|---|---|---|---|---|")
    for param in CONFIGURATIONS:
        configuration = getattr(param, "values", [param])[0]
        name = getattr(param, "id", None) or configuration.__name__
        model, X = _fitted(configuration)
        for dtype in DTYPES:
            X_typed = X.astype(dtype)
            predict, values = _expected_outputs(model)
            outputs = _onnx_outputs(model, X_typed)
            expected = values(X_typed)
            difference = np.abs(outputs[-1] - expected)
            large = np.abs(expected) >= 0.1
            relative = np.max(difference[large] / np.abs(expected[large]))
            labels = "-"
            if len(outputs) == 2:
                same = np.array_equal(outputs[0], predict(X_typed))
                labels = "equal" if same else "DIFFER"
            print(
                f"| {name} | {dtype.__name__} | {difference.max():.1e} | "
                f"{relative:.1e} | {labels} |"
            )


if __name__ == "__main__":  # python tests/test_onnx.py
    _print_largest_differences()
