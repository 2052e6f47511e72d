"""Property-based tests: shapes, labels, probabilities and dtypes on drawn data.

Hypothesis draws the data: 2 to 40 samples, 1 to 6 features, 2 to 4 classes
(integer, integral float or string labels, as str or object arrays), 1 to 3
regression outputs, float32, float64 or integer X, dense or CSR. Networks are
tiny and ``max_iter`` is 2, because the properties hold after any amount of
training. ``derandomize=True`` draws the same examples on every run.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.linear_model import Perceptron
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

TINY = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
CLASSIFIERS = [
    DeepMLPClassifier(**TINY),
    PerceptronClassifier(max_iter=2),
    PerceptronClassifier(activation="sigmoid", max_iter=2),
]
REGRESSORS = [DeepMLPRegressor(**TINY)]
# the estimators whose training is smooth in X, so dense and sparse agree
SMOOTH = [CLASSIFIERS[0], CLASSIFIERS[2], REGRESSORS[0]]

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, derandomize=True, database=None
)

X_DTYPES = {"float32": np.float32, "float64": np.float64, "int": np.int64}
LABELS = {
    "int": st.integers(-1000, 1000),
    "integral_float": st.integers(-50, 50).map(float),
    "str": st.text(alphabet="abcxyz", min_size=1, max_size=3),
}


def _id(estimator):
    if isinstance(estimator, PerceptronClassifier):
        return f"PerceptronClassifier-{estimator.activation}"
    return type(estimator).__name__


@st.composite
def features(draw, n_samples, dtypes=tuple(X_DTYPES)):
    """X of ``n_samples`` rows: 1 to 6 features, one of ``dtypes``, maybe CSR."""
    n_features = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from(dtypes))
    if dtype == "int":
        elements = st.integers(-10, 10)
    else:
        width = 32 if dtype == "float32" else 64
        elements = st.floats(-10, 10, width=width, allow_subnormal=False)
    X = draw(hnp.arrays(X_DTYPES[dtype], (n_samples, n_features), elements=elements))
    return sp.csr_matrix(X) if draw(st.booleans()) else X


@st.composite
def classification_data(draw, dtypes=tuple(X_DTYPES)):
    """(X, y) with 2 to 4 classes, each present at least once."""
    n_classes = draw(st.integers(2, 4))
    n_samples = draw(st.integers(max(2, n_classes), 40))
    kind = draw(st.sampled_from(sorted(LABELS)))
    labels = draw(
        st.lists(LABELS[kind], min_size=n_classes, max_size=n_classes, unique=True)
    )
    # strings as a str or an object array; scikit-learn types object ints "unknown"
    as_object = kind == "str" and draw(st.booleans())
    labels = np.array(labels, dtype=object if as_object else None)
    extra = draw(
        st.lists(
            st.integers(0, n_classes - 1),
            min_size=n_samples - n_classes,
            max_size=n_samples - n_classes,
        )
    )
    order = draw(st.permutations(range(n_samples)))
    y = labels[np.array([*range(n_classes), *extra])[order]]
    return draw(features(n_samples, dtypes)), y


@st.composite
def regression_data(draw, dtypes=tuple(X_DTYPES)):
    """(X, y) with y of shape (n_samples,) or (n_samples, 2 or 3)."""
    n_samples = draw(st.integers(2, 40))
    n_outputs = draw(st.integers(1, 3))
    shape = (n_samples,) if n_outputs == 1 else (n_samples, n_outputs)
    y = draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    return draw(features(n_samples, dtypes)), y


def _float_dtype(X):
    """The dtype scikit-learn's MLPs compute in: float32 stays, the rest is float64."""
    return np.float32 if X.dtype == np.float32 else np.float64


def _atol(X):
    return 1e-5 if X.dtype == np.float32 else 1e-12


# -- classification ------------------------------------------------------------------


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=_id)
@PROPERTY_SETTINGS
@given(data=classification_data())
def test_classifier_labels_and_shapes(estimator, data):
    X, y = data
    fitted = clone(estimator).fit(X, y)
    assert_array_equal(fitted.classes_, np.unique(y))  # sorted unique labels
    assert fitted.n_features_in_ == X.shape[1]
    y_pred = fitted.predict(X)
    assert y_pred.shape == (X.shape[0],)
    assert y_pred.dtype == fitted.classes_.dtype
    assert np.isin(y_pred, fitted.classes_).all()
    scores = (
        fitted.decision_function(X) if hasattr(fitted, "decision_function") else None
    )
    if scores is not None:
        # scikit-learn's binary Perceptron keeps a float64 intercept, and scores
        binary_step = getattr(fitted, "activation", None) == "step" and (
            len(fitted.classes_) == 2
        )
        assert scores.dtype == (np.float64 if binary_step else _float_dtype(X))


@pytest.mark.parametrize(
    "estimator", [est for est in CLASSIFIERS if hasattr(est, "predict_proba")], ids=_id
)
@PROPERTY_SETTINGS
@given(data=classification_data())
def test_predict_proba_is_a_distribution_over_classes(estimator, data):
    X, y = data
    fitted = clone(estimator).fit(X, y)
    proba = fitted.predict_proba(X)
    assert proba.shape == (X.shape[0], len(fitted.classes_))
    assert proba.dtype == _float_dtype(X)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=_atol(X))
    # predict takes the most probable class wherever it is clearly ahead
    top_two = np.sort(proba, axis=1)[:, -2:]
    clear = top_two[:, 1] - top_two[:, 0] > 1e-3
    y_pred = fitted.predict(X)
    assert_array_equal(y_pred[clear], fitted.classes_[proba.argmax(axis=1)][clear])


@PROPERTY_SETTINGS
@given(
    n_samples=st.integers(2, 40),
    n_labels=st.integers(2, 4),
    data=st.data(),
)
def test_multilabel_indicator_shapes(n_samples, n_labels, data):
    X = data.draw(features(n_samples))
    Y = data.draw(
        hnp.arrays(np.int64, (n_samples, n_labels), elements=st.integers(0, 1))
    )
    fitted = DeepMLPClassifier(**TINY).fit(X, Y)
    assert_array_equal(fitted.classes_, np.arange(n_labels))
    assert fitted.predict(X).shape == (n_samples, n_labels)
    assert np.isin(fitted.predict(X), [0, 1]).all()
    proba = fitted.predict_proba(X)
    assert proba.shape == (n_samples, n_labels)
    assert proba.dtype == _float_dtype(X)
    assert ((proba >= 0) & (proba <= 1)).all()


# -- regression ----------------------------------------------------------------------


@pytest.mark.parametrize("estimator", REGRESSORS, ids=_id)
@PROPERTY_SETTINGS
@given(data=regression_data())
def test_regressor_shapes_and_dtype(estimator, data):
    X, y = data
    fitted = clone(estimator).fit(X, y)
    assert fitted.n_features_in_ == X.shape[1]
    assert fitted.n_outputs_ == (1 if y.ndim == 1 else y.shape[1])
    y_pred = fitted.predict(X)
    assert y_pred.shape == y.shape
    assert y_pred.dtype == _float_dtype(X)
    assert np.isfinite(y_pred).all()


# -- input dtypes and formats --------------------------------------------------------


def _data(estimator):
    return classification_data if is_classifier(estimator) else regression_data


def _outputs(estimator, X):
    methods = ("predict", "predict_proba", "decision_function")
    return {m: getattr(estimator, m)(X) for m in methods if hasattr(estimator, m)}


@pytest.mark.parametrize("estimator", CLASSIFIERS + REGRESSORS, ids=_id)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_integer_X_is_treated_as_float64(estimator, data):
    X, y = data.draw(_data(estimator)(dtypes=("int",)))
    from_int = clone(estimator).fit(X, y)
    from_float = clone(estimator).fit(X.astype(np.float64), y)
    weights = from_int.coefs_ if hasattr(from_int, "coefs_") else [from_int.coef_]
    assert all(W.dtype == np.float64 for W in weights)
    np.testing.assert_equal(
        _outputs(from_int, X), _outputs(from_float, X.astype(np.float64))
    )


@pytest.mark.parametrize("estimator", SMOOTH, ids=_id)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_sparse_and_dense_X_agree(estimator, data):
    X, y = data.draw(_data(estimator)(dtypes=("float64",)))
    X_dense = X.toarray() if sp.issparse(X) else X
    dense = clone(estimator).fit(X_dense, y)
    sparse = clone(estimator).fit(sp.csr_matrix(X_dense), y)
    for method, expected in _outputs(dense, X_dense).items():
        actual = getattr(sparse, method)(sp.csr_matrix(X_dense))
        if expected.dtype.kind == "f":
            assert_allclose(actual, expected, rtol=1e-7, atol=1e-9, err_msg=method)


# -- output dtypes follow scikit-learn -------------------------------------------


# ours, scikit-learn's counterpart, the output whose dtype they share
COUNTERPARTS = [
    (DeepMLPClassifier(**TINY), MLPClassifier(**TINY), "predict_proba"),
    (DeepMLPRegressor(**TINY), MLPRegressor(**TINY), "predict"),
    (PerceptronClassifier(max_iter=2), Perceptron(max_iter=2), "decision_function"),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32])
@pytest.mark.parametrize(
    "ours, theirs, method", COUNTERPARTS, ids=lambda x: x if isinstance(x, str) else ""
)
def test_output_dtype_matches_sklearn(ours, theirs, method, dtype, sparse):
    """float32 in, float32 out; any other X computes in float64, as in scikit-learn."""
    rng = np.random.RandomState(0)
    X = (rng.standard_normal((30, 3)) * 3).astype(dtype)
    X = sp.csr_matrix(X) if sparse else X
    y = np.arange(30) % 3 if is_classifier(ours) else rng.standard_normal(30)
    expected = getattr(clone(theirs).fit(X, y), method)(X).dtype
    assert getattr(clone(ours).fit(X, y), method)(X).dtype == expected
    assert expected == _float_dtype(X)
