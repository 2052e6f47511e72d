"""ONNX export of fitted skperceptron estimators, through skl2onnx.

Importing this module registers DeepMLPClassifier, DeepMLPRegressor and
PerceptronClassifier with skl2onnx (a shape calculator and a converter for
each, and skl2onnx's classifier parser with its ``zipmap`` and
``output_class_labels`` options), so that ``skl2onnx.to_onnx`` and
``skl2onnx.convert_sklearn`` take them, alone or inside a ``Pipeline``. It is
the only module that imports skl2onnx: ``pip install "skperceptron[deploy]"``.

Every hidden activation of the registry, per-layer activations and every
output link are written with standard ONNX operators. The graph computes in
float64 for a float64 input and in float32 otherwise. onnxruntime has no
float64 kernel for Erf, so GELU layers take their ``erf`` in float32 even in a
float64 graph.

The outputs follow skl2onnx's conventions for classifiers: ``label``
(``predict``; an indicator matrix for multilabel targets) and
``probabilities`` (``predict_proba``; a list of dicts unless the option
``zipmap=False`` is given). A step perceptron has no probabilities: its second
output holds the decision scores, as two columns ``(-score, score)`` for two
classes. A regressor's single output has shape (n_samples, n_outputs). Given
a DataFrame as the example input, skl2onnx makes one input per column; the
converters put them back side by side.

Examples
--------
>>> import numpy as np
>>> import onnxruntime
>>> import skl2onnx
>>> import skperceptron.onnx  # registers the converters
>>> from sklearn.datasets import load_iris
>>> from skperceptron import DeepMLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = DeepMLPClassifier((8,), activation="gelu", solver="lbfgs",
...                         random_state=0).fit(X, y)
>>> model = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = onnxruntime.InferenceSession(model.SerializeToString())
>>> labels, proba = session.run(None, {"X": X})
>>> bool((labels == clf.predict(X)).all())
True
>>> bool(np.allclose(proba, clf.predict_proba(X), rtol=1e-6, atol=1e-9))
True
"""

import math

import numpy as np
import scipy.sparse as sp
from onnx import TensorProto
from onnx.helper import np_dtype_to_tensor_dtype
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.utils import check_input_and_output_numbers

from ._core import ACTIVATIONS
from ._mlp import DeepMLPClassifier, DeepMLPRegressor
from ._perceptron import PerceptronClassifier

__all__ = []  # importing the module is its whole interface


class _Graph:
    """Writes the nodes of one converter into skl2onnx's container.

    Floating constants take the graph's float type: float64 when the operator's
    input is float64, float32 otherwise.
    """

    def __init__(self, scope, operator, container):
        self.scope, self.container = scope, container
        double = _float_tensor_type(operator) is DoubleTensorType
        self.float_type = TensorProto.DOUBLE if double else TensorProto.FLOAT
        self.dtype = np.float64 if double else np.float32

    def node(self, op_type, *inputs, output=None, **attributes):
        """Add one ``op_type`` node; returns the name of its output."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            list(inputs),
            output,
            name=self.scope.get_unique_operator_name(op_type),
            **attributes,
        )
        return output

    def constant(self, values):
        """An initializer holding ``values`` (floats in the graph's type)."""
        values = np.asarray(values)
        if values.dtype.kind == "f":
            values = values.astype(self.dtype)
        if values.dtype.kind in "OUS":
            tensor_type = TensorProto.STRING
            content = [str(value).encode("utf-8") for value in values.ravel()]
        else:
            tensor_type = np_dtype_to_tensor_dtype(values.dtype)
            content = values.ravel()
        name = self.scope.get_unique_variable_name("constant")
        self.container.add_initializer(name, tensor_type, list(values.shape), content)
        return name

    def input(self, operator):
        """The operator's input in the graph's float type.

        An input per column (skl2onnx's translation of a DataFrame) is put
        back together as one matrix.
        """
        columns = [
            self.node("Cast", variable.full_name, to=self.float_type)
            for variable in operator.inputs
        ]
        return (
            columns[0] if len(columns) == 1 else self.node("Concat", *columns, axis=1)
        )


# -- hidden activations (a test fits and exports every key of ACTIVATIONS) ------


def _one_operator(op_type):
    """An activation that is a single ONNX operator."""

    def write(graph, Z):
        return graph.node(op_type, Z)

    return write


def _identity(graph, Z):
    return Z


def _leaky_relu(graph, Z):
    # max(z, s z): onnxruntime's LeakyRelu has no float64 kernel
    slope = graph.constant(ACTIVATIONS["leaky_relu"].negative_slope)
    return graph.node("Max", Z, graph.node("Mul", Z, slope))


def _elu(graph, Z):
    # max(z, 0) + alpha (exp(min(z, 0)) - 1): Elu has no float64 kernel
    exp_of_negative = graph.node("Exp", graph.node("Min", Z, graph.constant(0.0)))
    expm1 = graph.node("Sub", exp_of_negative, graph.constant(1.0))
    scaled = graph.node("Mul", expm1, graph.constant(ACTIVATIONS["elu"].alpha))
    return graph.node("Add", graph.node("Relu", Z), scaled)


def _softplus(graph, Z):
    # max(z, 0) + log(1 + exp(-|z|)), where exp cannot overflow
    exp_of_negative = graph.node("Exp", graph.node("Neg", graph.node("Abs", Z)))
    one_plus = graph.node("Add", exp_of_negative, graph.constant(1.0))
    correction = graph.node("Log", one_plus)
    return graph.node("Add", graph.node("Relu", Z), correction)


def _gelu(graph, Z):
    # z (1 + erf(z / sqrt(2))) / 2, with erf in float32 (its only kernel)
    scaled = graph.node("Mul", Z, graph.constant(1 / math.sqrt(2)))
    erf = graph.node("Erf", graph.node("Cast", scaled, to=TensorProto.FLOAT))
    erf = graph.node("Cast", erf, to=graph.float_type)
    half_Z = graph.node("Mul", Z, graph.constant(0.5))
    return graph.node("Mul", half_Z, graph.node("Add", erf, graph.constant(1.0)))


def _silu(graph, Z):
    return graph.node("Mul", Z, graph.node("Sigmoid", Z))


_ACTIVATION_NODES = {
    "identity": _identity,
    "logistic": _one_operator("Sigmoid"),
    "tanh": _one_operator("Tanh"),
    "relu": _one_operator("Relu"),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "gelu": _gelu,
    "softplus": _softplus,
    "silu": _silu,
}


# -- output links, by the link_name of each loss ---------------------------------


def _softmax(graph, raw):
    return graph.node("Softmax", raw, axis=1)


_LINK_NODES = {
    "identity": _identity,
    "logistic": _one_operator("Sigmoid"),
    "softmax": _softmax,
    "exp": _one_operator("Exp"),
}


def _translation(table, name, kind):
    if name not in table:
        raise NotImplementedError(f"The {kind} {name!r} has no ONNX translation yet.")
    return table[name]


def _dense_layers(graph, X, coefs, intercepts, activations):
    """``X`` through each ``(W, b)``, then the hidden activation if there is one."""
    for W, b, activation in zip(coefs, intercepts, activations):
        product = graph.node("MatMul", X, graph.constant(W))  # (n_samples, fan_out)
        X = graph.node("Add", product, graph.constant(b))
        X = _translation(_ACTIVATION_NODES, activation, "activation")(graph, X)
    return X


def _network_output(graph, X, model):
    """A deep network's output: hidden layers, last layer, output link."""
    n_hidden = len(model.coefs_) - 1
    activation = model.activation
    names = [activation] * n_hidden if isinstance(activation, str) else activation
    raw = _dense_layers(graph, X, model.coefs_, model.intercepts_, [*names, "identity"])
    return _translation(_LINK_NODES, model.out_activation_, "output link")(graph, raw)


# -- classifiers ------------------------------------------------------------------


def _is_multilabel(model):
    binarizer = getattr(model, "_label_binarizer", None)
    return binarizer is not None and binarizer.y_type_ == "multilabel-indicator"


def _label_values(model):
    """``classes_`` as the label tensor holds them: strings or int64.

    scikit-learn accepts float labels only when they are whole numbers.
    """
    classes = np.asarray(model.classes_)
    return classes.astype(str if classes.dtype.kind in "OUS" else np.int64)


def _two_columns(graph, negative_column, column):
    """The two class columns of a binary model, negative class first."""
    return graph.node("Concat", negative_column, column, axis=1)


def _one_minus(graph, column):
    return graph.node("Sub", graph.constant(1.0), column)


def _write_labels(graph, model, columns, output):
    """The class of each row's largest column, as ``predict`` decides."""
    best = graph.node("ArgMax", columns, axis=1, keepdims=0)  # (n_samples,)
    graph.node("Gather", graph.constant(_label_values(model)), best, output=output)


def _convert_deep_classifier(scope, operator, container):
    """Labels as ``predict`` (0.5 threshold, or largest probability), probabilities."""
    graph = _Graph(scope, operator, container)
    model = operator.raw_operator
    proba = _network_output(graph, graph.input(operator), model)
    label, probabilities = (variable.full_name for variable in operator.outputs)
    if _is_multilabel(model):
        above_half = graph.node("Greater", proba, graph.constant(0.5))
        graph.node("Cast", above_half, output=label, to=TensorProto.INT64)
    else:
        if model.n_outputs_ == 1:  # p > 0.5 exactly when p > 1 - p
            proba = _two_columns(graph, _one_minus(graph, proba), proba)
        _write_labels(graph, model, proba, label)
    graph.node("Identity", proba, output=probabilities)


def _convert_perceptron(scope, operator, container):
    """Labels from the scores, as ``predict``; probabilities, or the scores."""
    graph = _Graph(scope, operator, container)
    model = operator.raw_operator
    coef = model.coef_.toarray() if sp.issparse(model.coef_) else model.coef_
    X = graph.input(operator)
    scores = _dense_layers(graph, X, [coef.T], [model.intercept_], ["identity"])
    label, probabilities = (variable.full_name for variable in operator.outputs)
    binary = coef.shape[0] == 1
    columns = (
        _two_columns(graph, graph.node("Neg", scores), scores) if binary else scores
    )
    _write_labels(graph, model, columns, label)
    if model.activation == "step":
        proba = columns
    elif binary:
        positive = graph.node("Sigmoid", scores)
        proba = _two_columns(graph, _one_minus(graph, positive), positive)
    else:
        proba = _softmax(graph, scores)
    graph.node("Identity", proba, output=probabilities)


def _float_tensor_type(operator):
    """The graph's float type: float64 for a float64 input, float32 otherwise."""
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    return DoubleTensorType if double else FloatTensorType


def _classifier_shapes(operator):
    """Labels (n_samples,) or multilabel (n_samples, n_labels); one column per class."""
    check_input_and_output_numbers(
        operator, input_count_range=[1, None], output_count_range=2
    )
    model = operator.raw_operator
    n_samples = operator.inputs[0].get_first_dimension()
    n_classes = len(model.classes_)
    label_shape = [n_samples, n_classes] if _is_multilabel(model) else [n_samples]
    strings = _label_values(model).dtype.kind == "U"
    label_type = StringTensorType if strings else Int64TensorType
    operator.outputs[0].type = label_type(label_shape)
    operator.outputs[1].type = _float_tensor_type(operator)([n_samples, n_classes])


# -- regressor --------------------------------------------------------------------


def _convert_deep_regressor(scope, operator, container):
    graph = _Graph(scope, operator, container)
    output = _network_output(graph, graph.input(operator), operator.raw_operator)
    graph.node("Identity", output, output=operator.outputs[0].full_name)


def _regressor_shapes(operator):
    """Predictions of shape (n_samples, n_outputs)."""
    check_input_and_output_numbers(
        operator, input_count_range=[1, None], output_count_range=1
    )
    n_samples = operator.inputs[0].get_first_dimension()
    n_outputs = operator.raw_operator.n_outputs_
    operator.outputs[0].type = _float_tensor_type(operator)([n_samples, n_outputs])


# -- registration with skl2onnx ---------------------------------------------------

# skl2onnx's classifier parser reads "nocl" (labels as indices), not offered here
_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "output_class_labels": [False, True],
    "nocl": [False],
}


def _register():
    """Register each estimator's shape calculator and converter with skl2onnx."""
    converters = [
        (DeepMLPClassifier, _classifier_shapes, _convert_deep_classifier),
        (DeepMLPRegressor, _regressor_shapes, _convert_deep_regressor),
        (PerceptronClassifier, _classifier_shapes, _convert_perceptron),
    ]
    for estimator, shapes, converter in converters:
        classifier = shapes is _classifier_shapes
        update_registered_converter(
            estimator,
            f"Skperceptron{estimator.__name__}",
            shapes,
            converter,
            options=_CLASSIFIER_OPTIONS if classifier else None,
        )


_register()
