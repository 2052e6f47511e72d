"""The default step perceptron is scikit-learn's Perceptron, weight for weight.

With ``batch_size='auto'`` (up to 20,000 rows) or ``batch_size=1`` the step
neuron runs Rosenblatt's per-sample rule as scikit-learn's SGD runs it: same
visiting order (also when shuffling), same L2 shrink and truncated L1
penalty, same class and sample weights, same bias damping on sparse data,
same stopping epoch. So ``coef_``, ``intercept_``, ``n_iter_`` and ``t_`` are
compared with ``sklearn.linear_model.Perceptron`` directly, over penalties,
weights, input formats and classes; then the behaviours scikit-learn's own
tests pin down (a hand-written perceptron, one-vs-one ties, the elastic-net
bounds), rewritten here.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.multiclass import OneVsOneClassifier

from skperceptron import PerceptronClassifier
from skperceptron._core.perceptron_rule import visiting_order


@pytest.fixture(scope="module")
def shuffled_iris():
    """Iris in a fixed random order, so that no epoch starts with one class."""
    X, y = load_iris(return_X_y=True)
    order = np.random.RandomState(12).permutation(len(y))
    return X[order], y[order]


def _fit_both(X, y, fit_params=None, **params):
    """Our fit and scikit-learn's on the same data and settings."""
    fit_params = fit_params or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = PerceptronClassifier(**params).fit(X, y, **fit_params)
        theirs = Perceptron(**params).fit(X, y, **fit_params)
    return ours, theirs


def _assert_same_fit(ours, theirs):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-9)
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-9, atol=1e-9)


_WEIGHTINGS = {
    "none": ({}, None),
    "sample": ({}, "sample"),
    "class": ({"class_weight": {0: 2.0, 1: 0.5, 2: 1.5}}, None),
    "balanced": ({"class_weight": "balanced"}, None),
}


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("weighting", sorted(_WEIGHTINGS))
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("penalty", [None, "l2", "l1", "elasticnet"])
def test_same_weights_as_sklearn(
    shuffled_iris, penalty, n_classes, weighting, sparse, shuffle
):
    X, y = shuffled_iris
    y = y if n_classes == 3 else (y == 1).astype(int)
    params, sample = _WEIGHTINGS[weighting]
    if (
        n_classes == 2
        and "class_weight" in params
        and params["class_weight"] != "balanced"
    ):
        params = {"class_weight": {0: 2.0, 1: 0.5}}
    fit_params = {}
    if sample:
        fit_params["sample_weight"] = np.random.RandomState(0).randint(0, 3, len(y))
    X = sp.csr_matrix(X) if sparse else X
    ours, theirs = _fit_both(
        X, y, fit_params, penalty=penalty, alpha=1e-3, shuffle=shuffle, **params
    )
    _assert_same_fit(ours, theirs)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.15, 0.5, 1.0])
def test_same_weights_as_sklearn_for_any_l1_ratio(shuffled_iris, l1_ratio):
    X, y = shuffled_iris
    ours, theirs = _fit_both(X, y, penalty="elasticnet", alpha=1e-3, l1_ratio=l1_ratio)
    _assert_same_fit(ours, theirs)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("shuffle", [False, True])
def test_same_early_stopping_as_sklearn(shuffled_iris, n_classes, shuffle):
    """Same stratified split, same epoch, and the last epoch's weights kept."""
    X, y = shuffled_iris
    y = y if n_classes == 3 else (y == 1).astype(int)
    ours, theirs = _fit_both(
        X, y, early_stopping=True, validation_fraction=0.2, shuffle=shuffle
    )
    _assert_same_fit(ours, theirs)


@pytest.mark.parametrize("penalty", [None, "l2"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_same_partial_fit_steps_as_sklearn(shuffled_iris, penalty, n_classes):
    X, y = shuffled_iris
    y = y if n_classes == 3 else (y == 1).astype(int)
    ours = PerceptronClassifier(penalty=penalty)
    theirs = Perceptron(penalty=penalty)
    for batch in np.array_split(np.arange(len(y)), 3):
        ours.partial_fit(X[batch], y[batch], classes=np.unique(y))
        theirs.partial_fit(X[batch], y[batch], classes=np.unique(y))
        _assert_same_fit(ours, theirs)


def test_same_warm_start_and_coef_init_as_sklearn(shuffled_iris):
    X, y = shuffled_iris
    ours = PerceptronClassifier(warm_start=True, max_iter=3, tol=None)
    theirs = Perceptron(warm_start=True, max_iter=3, tol=None)
    for _ in range(2):
        ours.fit(X, y)
        theirs.fit(X, y)
        _assert_same_fit(ours, theirs)
    start = np.random.RandomState(0).normal(size=(3, X.shape[1]))
    ours = PerceptronClassifier(max_iter=4, tol=None).fit(X, y, coef_init=start)
    theirs = Perceptron(max_iter=4, tol=None).fit(X, y, coef_init=start)
    _assert_same_fit(ours, theirs)


def test_same_weights_on_more_data_and_random_states():
    """A larger problem, random states as integers and as RandomState objects."""
    X, y = make_classification(n_samples=3000, n_features=20, random_state=0)
    for random_state in (3, np.random.RandomState(3)):
        ours = PerceptronClassifier(random_state=random_state).fit(X, y)
        theirs = Perceptron(
            random_state=np.random.RandomState(3)
            if isinstance(random_state, np.random.RandomState)
            else random_state
        ).fit(X, y)
        _assert_same_fit(ours, theirs)


def test_huge_l2_penalty_zeroes_the_weights_instead_of_diverging(shuffled_iris):
    """The shrink ``1 - eta0 alpha`` is floored at 0, as in scikit-learn."""
    X, y = shuffled_iris
    ours, theirs = _fit_both(X, y, penalty="l2", alpha=1e4)
    _assert_same_fit(ours, theirs)
    assert np.isfinite(ours.coef_).all()


def test_visiting_order_is_sklearn_shuffle(shuffled_iris):
    """Shuffling visits the samples in scikit-learn's order: the epoch-one
    weights after one sample equal that sample's update."""
    X, y = shuffled_iris
    order = visiting_order(7, 10)
    assert sorted(order) == list(range(10))
    assert_array_equal(order, visiting_order(7, 10))
    ours, theirs = _fit_both(X[:10], y[:10] == 1, shuffle=True, random_state=5)
    _assert_same_fit(ours, theirs)


# -- what scikit-learn's own tests pin down --------------------------------------


def _textbook_perceptron(X, y, n_epochs):
    """Rosenblatt in plain Python: on ``sign(w.x + b) != y`` add ``y x`` and ``y``."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(n_epochs):
        for x, target in zip(X, y):
            if np.sign(x @ w + b) != target:
                w, b = w + target * x, b + target
    return w, b


def test_two_epochs_equal_the_textbook_rule(shuffled_iris):
    X, y = shuffled_iris
    signs = np.where(y == 1, 1, -1)
    w, b = _textbook_perceptron(X, signs, n_epochs=2)
    clf = PerceptronClassifier(max_iter=2, shuffle=False, tol=None).fit(X, signs)
    assert_allclose(clf.coef_.ravel(), w)
    assert_allclose(clf.intercept_, [b])


def test_elastic_net_bounds_and_l1_ratio(shuffled_iris):
    """l1_ratio matters; at 1 the elastic net is L1, at 0 it is L2."""
    X, y = shuffled_iris

    def fit(**params):
        return PerceptronClassifier(**params).fit(X, y)

    ridge_like = fit(penalty="elasticnet", l1_ratio=0.0)
    mixed = fit(penalty="elasticnet", l1_ratio=0.15)
    assert ridge_like.score(X, y) != mixed.score(X, y)
    assert_allclose(
        fit(penalty="l1").coef_, fit(penalty="elasticnet", l1_ratio=1).coef_
    )
    assert_allclose(ridge_like.coef_, fit(penalty="l2").coef_)


@pytest.mark.parametrize("shift", range(3))
def test_one_vs_one_ties_follow_sklearn(shift):
    """On three-sample pair problems the vote tie is broken by the same scores."""
    X = np.array([[1, 2], [2, 1], [-2, 1], [-2, -1]])
    y = (np.array([2, 0, 1, 2]) + shift) % 3
    params = dict(shuffle=False, max_iter=4, tol=None)
    ours = OneVsOneClassifier(PerceptronClassifier(**params)).fit(X, y)
    theirs = OneVsOneClassifier(Perceptron(**params)).fit(X, y)
    assert_allclose(ours.decision_function(X), theirs.decision_function(X))
    assert ours.predict(X)[0] == shift


def test_explicit_batch_sizes_still_average(shuffled_iris):
    """``batch_size`` above 1 keeps the averaged mini-batch steps."""
    X, y = shuffled_iris
    exact = PerceptronClassifier(batch_size=1, max_iter=3, tol=None).fit(X, y)
    batched = PerceptronClassifier(batch_size=10, max_iter=3, tol=None).fit(X, y)
    assert not np.allclose(exact.coef_, batched.coef_)


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
@pytest.mark.parametrize("alpha", [1e-3, 3e-2])
def test_same_truncation_path_as_sklearn(penalty, alpha):
    """Long stretches without a mistake, weights truncated to 0 along the way."""
    X, y = make_classification(
        n_samples=400, n_features=30, n_informative=5, class_sep=2.0, random_state=1
    )
    ours, theirs = _fit_both(X, y, penalty=penalty, alpha=alpha, l1_ratio=0.6)
    _assert_same_fit(ours, theirs)
    assert (theirs.coef_ == 0).any() or alpha < 1e-2
