"""PerceptronClassifier: the behaviour users rely on, and its quality next to sklearn's.

The convergence theorem on separable data, the classic per-sample rule as the
``batch_size=1`` special case, sample and class weights, the step and sigmoid
neurons, a finite-difference check of the network it trains, the sklearn
tooling, partial_fit, warm start, penalties, stopping, input formats, and mean
test accuracy against ``sklearn.linear_model.Perceptron`` on five data sets
(``pytest -s`` prints the table).
"""

import re
import warnings
from functools import partial

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_blobs,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelBinarizer, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight

from skperceptron import PerceptronClassifier
from skperceptron._core import Network

ACTIVATIONS = ("step", "sigmoid")


@pytest.fixture(scope="module")
def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _iris_labels(y, n_classes):
    """Iris's three classes, or versicolor against the rest (not separable)."""
    return y if n_classes == 3 else (y == 1).astype(int)


@pytest.fixture
def binary(iris):
    X, y = iris
    return X, _iris_labels(y, 2)


def _separable_blobs(n_classes, n_features, seed):
    """One tight blob per class at ``8 * e_k``: every class splits off by a plane."""
    centers = 8.0 * np.eye(n_classes, n_features)
    X, y = make_blobs(
        n_samples=60 * n_classes, centers=centers, cluster_std=1.0, random_state=seed
    )
    return X, y


def _is_one_vs_rest_separable(X, y):
    """A hard-margin linear SVM separates every class from the rest."""
    return all(
        LinearSVC(C=1e4, max_iter=100_000).fit(X, y == c).score(X, y == c) == 1.0
        for c in np.unique(y)
    )


# -- the perceptron convergence theorem -------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_features", [2, 10])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_step_neuron_separates_separable_data(n_classes, n_features, seed):
    """Run long enough (tol=None), the rule ends without a mistake left.

    With the default ``tol`` it may stop earlier, when the loss stalls, exactly
    where scikit-learn's Perceptron stops.
    """
    X, y = _separable_blobs(n_classes, n_features, seed)
    assert _is_one_vs_rest_separable(X, y), "precondition: linearly separable"
    clf = PerceptronClassifier(tol=None, max_iter=100).fit(X, y)
    assert clf.score(X, y) == 1.0
    assert clf.loss_curve_[-1] == 0.0


# -- batch_size=1 is the classic rule ---------------------------------------------


def _rosenblatt(X, Y, eta0, n_epochs, sample_weight=None):
    """The textbook rule, in order: ``w += eta0 * s * y * x`` when ``y (w.x + b) <= 0``.

    One output per column of ``Y`` (targets in {-1, +1}); ``s`` is the sample
    weight (1 without weights).
    """
    scale = np.ones(len(X)) if sample_weight is None else sample_weight
    W, b = np.zeros((Y.shape[1], X.shape[1])), np.zeros(Y.shape[1])
    for _ in range(n_epochs):
        for x, y_row, s in zip(X, Y, scale):
            wrong = y_row * (W @ x + b) <= 0  # (n_outputs,)
            W[wrong] += eta0 * s * y_row[wrong, np.newaxis] * x
            b[wrong] += eta0 * s * y_row[wrong]
    return W, b


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n_epochs", [1, 4])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_batch_size_one_without_shuffle_is_the_classic_rule(
    iris, n_classes, n_epochs, weighted
):
    X, y = iris
    y = _iris_labels(y, n_classes)
    sample_weight = np.random.RandomState(0).randint(0, 4, len(y)) if weighted else None
    Y = LabelBinarizer(neg_label=-1).fit_transform(y)  # (n_samples, 1 or 3)
    clf = PerceptronClassifier(
        batch_size=1, shuffle=False, tol=None, max_iter=n_epochs, eta0=0.5
    ).fit(X, y, sample_weight=sample_weight)
    W, b = _rosenblatt(X, Y, 0.5, n_epochs, sample_weight)
    assert_allclose(clf.coef_, W, rtol=1e-12, atol=1e-12)
    assert_allclose(clf.intercept_, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_batch_size_one_without_shuffle_matches_sklearn(iris, n_classes):
    """In the same sample order, sklearn's Perceptron takes the very same steps."""
    X, y = iris
    y = _iris_labels(y, n_classes)
    params = dict(shuffle=False, tol=None, max_iter=5)
    ours = PerceptronClassifier(batch_size=1, **params).fit(X, y)
    theirs = Perceptron(**params).fit(X, y)
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-12, atol=1e-12)
    assert ours.t_ == theirs.t_


@pytest.mark.parametrize("data", ["breast_cancer", "versicolor", "make_classification"])
def test_batch_size_one_stops_when_sklearn_does(iris, breast_cancer, data):
    """Same steps and the same stopping rule, so the same epoch count and weights.

    The stopping rule counts from the first epoch's loss, as documented for
    ``tol`` and as sklearn does; with ``batch_size=1`` that loss is not the
    all-zero start's meaningless 0.
    """
    X, y = {
        "breast_cancer": breast_cancer,
        "versicolor": (iris[0], _iris_labels(iris[1], 2)),
        "make_classification": make_classification(n_samples=200, random_state=0),
    }[data]
    ours = PerceptronClassifier(batch_size=1, shuffle=False).fit(X, y)
    theirs = Perceptron(shuffle=False).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-12, atol=1e-12)


# -- sample weights -----------------------------------------------------------------


def _one_batch_per_epoch_fit(X, y, activation, sample_weight=None):
    params = dict(activation=activation, tol=None, max_iter=20, eta0=0.1)
    clf = PerceptronClassifier(batch_size=len(X), **params)
    return clf.fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_integer_sample_weight_is_repetition_with_one_batch_per_epoch(iris, activation):
    X, y = iris
    sample_weight = np.random.RandomState(0).randint(0, 4, len(y))
    weighted = _one_batch_per_epoch_fit(X, y, activation, sample_weight)
    repeated = _one_batch_per_epoch_fit(
        np.repeat(X, sample_weight, axis=0), np.repeat(y, sample_weight), activation
    )
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-10, atol=1e-12)
    assert_array_equal(weighted.predict(X), repeated.predict(X))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_zero_sample_weight_drops_the_sample_with_one_batch_per_epoch(iris, activation):
    X, y = iris
    keep = np.random.RandomState(1).uniform(size=len(y)) > 0.3
    weighted = _one_batch_per_epoch_fit(X, y, activation, keep.astype(float))
    dropped = _one_batch_per_epoch_fit(X[keep], y[keep], activation)
    assert_allclose(weighted.coef_, dropped.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(weighted.intercept_, dropped.intercept_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("batch_size", [7, "auto"])
def test_sigmoid_sample_weight_scale_does_not_matter(iris, batch_size):
    """Mini-batch weights are scaled to mean 1: multiplying them changes nothing."""
    X, y = iris
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    clf = PerceptronClassifier(activation="sigmoid", eta0=0.1, batch_size=batch_size)
    once = clone(clf).fit(X, y, sample_weight=sample_weight)
    scaled = clone(clf).fit(X, y, sample_weight=1000.0 * sample_weight)
    assert once.n_iter_ == scaled.n_iter_
    assert_allclose(once.coef_, scaled.coef_, rtol=1e-8, atol=1e-10)


def test_step_sample_weight_scales_the_step(iris):
    """As in scikit-learn, a sample's weight multiplies its step: from zero
    weights, multiplying every weight by 1000 multiplies the solution by 1000
    and leaves the decisions unchanged."""
    X, y = iris
    sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    clf = PerceptronClassifier(tol=None, max_iter=10)
    once = clone(clf).fit(X, y, sample_weight=sample_weight)
    scaled = clone(clf).fit(X, y, sample_weight=1000.0 * sample_weight)
    assert_allclose(1000.0 * once.coef_, scaled.coef_, rtol=1e-9)
    assert_allclose(1000.0 * once.intercept_, scaled.intercept_, rtol=1e-9)
    assert_array_equal(once.predict(X), scaled.predict(X))


# -- step and sigmoid neurons ----------------------------------------------------------


def test_only_the_sigmoid_neuron_has_probabilities(iris):
    X, y = iris
    step = PerceptronClassifier().fit(X, y)
    sigmoid = PerceptronClassifier(activation="sigmoid").fit(X, y)
    for method in ("predict_proba", "predict_log_proba"):
        assert not hasattr(step, method)
        assert not hasattr(PerceptronClassifier(), method)
        assert hasattr(sigmoid, method)
    with pytest.raises(AttributeError, match="no attribute 'predict_proba'") as info:
        step.predict_proba(X)
    assert "only available with activation='sigmoid'" in str(info.value.__cause__)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sigmoid_probabilities(iris, n_classes):
    X, y = iris
    y = _iris_labels(y, n_classes)
    clf = PerceptronClassifier(activation="sigmoid", eta0=0.1).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), n_classes)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-12)
    assert clf.score(X, y) > 0.7


def test_sigmoid_binary_probability_is_the_logistic_of_the_decision(binary):
    X, y = binary
    clf = PerceptronClassifier(activation="sigmoid", eta0=0.1).fit(X, y)
    positive = 1.0 / (1.0 + np.exp(-clf.decision_function(X)))
    assert_allclose(clf.predict_proba(X)[:, 1], positive, rtol=1e-12)


# -- shapes and labels ------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_fitted_shapes(iris, n_classes, activation):
    X, y = iris
    y = _iris_labels(y, n_classes)
    clf = PerceptronClassifier(activation=activation, max_iter=5).fit(X, y)
    n_rows = 1 if n_classes == 2 else n_classes
    assert clf.coef_.shape == (n_rows, X.shape[1])
    assert clf.intercept_.shape == (n_rows,)
    expected = (len(X),) if n_classes == 2 else (len(X), n_classes)
    assert clf.decision_function(X).shape == expected
    assert clf.predict(X).shape == (len(X),)
    assert clf.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_string_labels_fit_like_their_sorted_codes(iris, activation):
    X, y = iris
    names = np.array(["virginica", "setosa", "versicolor"])[y]  # unsorted on purpose
    by_name = PerceptronClassifier(activation=activation).fit(X, names)
    assert_array_equal(by_name.classes_, ["setosa", "versicolor", "virginica"])
    codes = np.searchsorted(by_name.classes_, names)
    by_code = PerceptronClassifier(activation=activation).fit(X, codes)
    assert_array_equal(by_name.coef_, by_code.coef_)
    assert_array_equal(by_name.predict(X), by_name.classes_[by_code.predict(X)])


# -- the network it trains: gradients by central differences -------------------------

STEP = 1e-6
N_SAMPLES, N_FEATURES = 40, 4

# loss -> (n_outputs, targets for the network)
TARGETS = {
    "perceptron": (3, lambda rng, n, k: rng.choice([-1.0, 1.0], size=(n, k))),
    "binary_log_loss": (1, lambda rng, n, k: rng.randint(2, size=(n, k)) * 1.0),
    "log_loss": (3, lambda rng, n, k: np.eye(k)[rng.randint(k, size=n)]),
}


def _away_from_zero(rng, shape, margin=0.2):
    return rng.choice([-1.0, 1.0], size=shape) * (margin + rng.exponential(size=shape))


def _perceptron_network(loss, penalty, n_outputs, rng):
    network = Network(
        [N_FEATURES, n_outputs],
        "identity",
        loss,
        np.float64,
        penalty=penalty,
        alpha=0.3,
        l1_ratio=0.4,
        penalty_per_weight_sum=False,
        weights_per_batch=False,
    )
    network.params[...] = _away_from_zero(rng, network.params.shape)  # L1's kink
    return network


def _central_differences(network, X, Y, sample_weight):
    gradient = np.empty_like(network.params)
    for i, saved in enumerate(network.params.copy()):
        network.params[i] = saved + STEP
        upper = network.loss_and_gradient(X, Y, sample_weight)
        network.params[i] = saved - STEP
        lower = network.loss_and_gradient(X, Y, sample_weight)
        network.params[i] = saved
        gradient[i] = (upper - lower) / (2 * STEP)
    return gradient


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("penalty", [None, "l2", "l1", "elasticnet"])
@pytest.mark.parametrize("loss", sorted(TARGETS))
def test_perceptron_network_gradient(loss, penalty, weighted):
    rng = np.random.RandomState(0)
    n_outputs, make_targets = TARGETS[loss]
    network = _perceptron_network(loss, penalty, n_outputs, rng)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    if loss == "perceptron":  # keep |z| away from the criterion's kink at 0
        raw = X @ network.coefs[0] + network.intercepts[0]
        X = X[np.abs(raw).min(axis=1) > 0.05]
    Y = make_targets(rng, len(X), n_outputs)
    sample_weight = rng.uniform(0.0, 3.0, len(X)) if weighted else None
    if weighted:
        sample_weight[:3] = 0.0
    network.loss_and_gradient(X, Y, sample_weight)
    analytic = network.grads.copy()
    assert np.abs(analytic).max() > 0.1  # something to check
    numeric = _central_differences(network, X, Y, sample_weight)
    assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss", sorted(TARGETS))
def test_batch_weights_are_divided_by_the_sample_count(loss):
    """The loss is ``sum_i s_i l_i / n``: weights are not renormalised per batch."""
    rng = np.random.RandomState(0)
    n_outputs, make_targets = TARGETS[loss]
    network = _perceptron_network(loss, None, n_outputs, rng)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    Y = make_targets(rng, N_SAMPLES, n_outputs)
    sample_weight = rng.uniform(0.0, 3.0, N_SAMPLES)
    per_sample = [
        network.loss_and_gradient(X[i : i + 1], Y[i : i + 1]) for i in range(N_SAMPLES)
    ]
    expected = np.dot(sample_weight, per_sample) / N_SAMPLES
    assert_allclose(network.loss_and_gradient(X, Y, sample_weight), expected)
    doubled = network.loss_and_gradient(X, Y, 2 * sample_weight)
    assert_allclose(doubled, 2 * expected)


# -- scikit-learn tooling -----------------------------------------------------------


def test_pipeline_grid_search():
    X, y = load_breast_cancer(return_X_y=True)
    grid = {
        "perceptronclassifier__eta0": [0.01, 1.0],
        "perceptronclassifier__batch_size": [1, "auto"],
        "perceptronclassifier__activation": list(ACTIVATIONS),
    }
    pipeline = make_pipeline(StandardScaler(), PerceptronClassifier(max_iter=100))
    search = GridSearchCV(pipeline, grid, cv=3).fit(X, y)
    assert search.best_params_ in list(ParameterGrid(grid))
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.95
    assert search.best_estimator_.score(X, y) > 0.95


# -- class weights ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_minority_class_weight_raises_minority_recall(seed):
    """The sigmoid neuron minimises a weighted log-loss, so the weight must tell.

    A small step keeps the last iterate near the optimum: at ``eta0=1`` the
    tenfold-weighted samples make the final weights noisy.
    """
    X, y = make_classification(
        n_samples=400,
        n_features=5,
        weights=[0.9, 0.1],
        class_sep=0.5,
        flip_y=0,
        random_state=seed,
    )
    X = StandardScaler().fit_transform(X)
    clf = PerceptronClassifier(activation="sigmoid", eta0=0.1)
    plain = clone(clf).fit(X, y)
    weighted = clone(clf).set_params(class_weight={1: 10.0}).fit(X, y)
    assert recall_score(y, weighted.predict(X)) > recall_score(y, plain.predict(X))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_balanced_class_weight_is_the_balanced_dict(iris, activation):
    X, y = iris
    X, y = X[20:], y[20:]  # 30 / 50 / 50
    weights = compute_class_weight("balanced", classes=np.unique(y), y=y)
    clf = PerceptronClassifier(activation=activation, eta0=0.1)
    balanced = clone(clf).set_params(class_weight="balanced").fit(X, y)
    as_dict = clone(clf).set_params(class_weight=dict(enumerate(weights))).fit(X, y)
    assert_allclose(balanced.coef_, as_dict.coef_, rtol=1e-10, atol=1e-12)


def test_partial_fit_rejects_balanced_class_weight(iris):
    X, y = iris
    clf = PerceptronClassifier(class_weight="balanced")
    message = (
        r"class_weight 'balanced' is not supported for partial_fit\. In order to use "
        r"'balanced' weights, use compute_class_weight\('balanced', classes=classes, "
        r"y=y\)\."
    )
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, y, classes=[0, 1, 2])


def test_class_weight_for_an_unknown_class(iris):
    X, y = iris
    clf = PerceptronClassifier(class_weight={0: 1.0, 5: 2.0})
    with pytest.raises(ValueError, match="not in class"):
        clf.fit(X, y)


# -- partial_fit --------------------------------------------------------------------


def test_partial_fit_needs_classes_first(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        PerceptronClassifier().partial_fit(X, y)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_partial_fit_needs_two_classes(iris, activation):
    """As fit does, and as sklearn's partial_fit does."""
    X, y = iris
    clf = PerceptronClassifier(activation=activation)
    with pytest.raises(ValueError, match="has to be greater than one; got 1 class"):
        clf.partial_fit(X[y == 0], y[y == 0], classes=[0])


def test_partial_fit_rejects_labels_outside_classes(iris):
    X, y = iris
    clf = PerceptronClassifier().partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(ValueError, match=r"classes not in `self\.classes_`: \[2\]"):
        clf.partial_fit(X, y)


def test_partial_fit_with_a_class_missing_from_the_first_batch(iris):
    X, y = iris
    clf = PerceptronClassifier().partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.coef_.shape == (3, X.shape[1])
    clf.partial_fit(X, y)
    assert_array_equal(clf.classes_, [0, 1, 2])


def test_repeated_partial_fit_learns(breast_cancer):
    X, y = breast_cancer
    clf = PerceptronClassifier(activation="sigmoid", eta0=0.01)
    scores = []
    for call in range(1, 11):
        clf.partial_fit(X, y, classes=[0, 1])
        assert clf.n_iter_ == 1
        assert clf.t_ == call * len(X) + 1
        assert len(clf.loss_curve_) == call
        scores.append(clf.score(X, y))
    assert scores[-1] > scores[0] + 0.02, scores
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[0]


# -- warm start, initial weights, intercept --------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_warm_start_continues_where_fit_stopped(iris, activation):
    X, y = iris
    params = dict(activation=activation, shuffle=False, tol=None, eta0=0.1)
    warm = PerceptronClassifier(warm_start=True, max_iter=1, **params)
    warm.fit(X, y).fit(X, y)
    cold = PerceptronClassifier(max_iter=2, **params).fit(X, y)
    assert warm.n_iter_ == 1
    assert len(warm.loss_curve_) == 2
    assert_allclose(warm.loss_curve_, cold.loss_curve_, rtol=1e-12)
    assert_allclose(warm.coef_, cold.coef_, rtol=1e-12, atol=1e-12)
    assert_allclose(warm.intercept_, cold.intercept_, rtol=1e-12, atol=1e-12)


def test_without_warm_start_fit_starts_afresh(iris):
    X, y = iris
    clf = PerceptronClassifier(max_iter=1, tol=None)
    first = clf.fit(X, y).coef_.copy()
    second = clf.fit(X, y).coef_
    assert len(clf.loss_curve_) == 1
    assert_array_equal(first, second)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_coef_init_is_the_starting_point(n_classes):
    """Started on a separating plane, the step rule never moves."""
    X, y = _separable_blobs(n_classes, 3, seed=0)
    solution = PerceptronClassifier().fit(X, y)
    assert solution.score(X, y) == 1.0
    coef_init, intercept_init = solution.coef_ + 0.0, solution.intercept_ + 0.0
    clf = PerceptronClassifier().fit(
        X, y, coef_init=coef_init, intercept_init=intercept_init
    )
    assert_array_equal(clf.coef_, solution.coef_)
    assert_array_equal(clf.intercept_, solution.intercept_)
    assert_array_equal(coef_init, solution.coef_)  # the arguments are not written
    assert clf.loss_curve_[0] == 0.0


def test_coef_init_overrides_warm_start(iris):
    """Explicit initial weights win over the previous solution, as in sklearn."""
    X, y = iris
    params = dict(max_iter=1, tol=None, shuffle=False)

    def zeros():  # fresh arrays each time: sklearn trains coef_init in place
        return dict(coef_init=np.zeros((3, X.shape[1])), intercept_init=np.zeros(3))

    theirs_fresh = Perceptron(**params).fit(X, y)
    theirs = Perceptron(warm_start=True, **params).fit(X, y).fit(X, y, **zeros())
    assert_allclose(theirs.coef_, theirs_fresh.coef_, rtol=1e-12, atol=1e-12)
    fresh = PerceptronClassifier(**params).fit(X, y)
    ours = PerceptronClassifier(warm_start=True, **params).fit(X, y)
    ours.fit(X, y, **zeros())
    assert_allclose(ours.coef_, fresh.coef_, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "coef_shape, intercept_shape, name",
    [
        ((2, 4), (1,), "coef_init"),
        ((1, 3), (1,), "coef_init"),
        ((1, 4), (2,), "intercept_init"),
    ],
)
def test_initial_weights_of_the_wrong_shape(binary, coef_shape, intercept_shape, name):
    X, y = binary
    with pytest.raises(ValueError, match=f"Provided {name}.* does not match dataset"):
        PerceptronClassifier().fit(
            X,
            y,
            coef_init=np.zeros(coef_shape),
            intercept_init=np.zeros(intercept_shape),
        )


def test_multiclass_coef_init_needs_one_row_per_class(iris):
    X, y = iris
    with pytest.raises(ValueError, match="coef_init does not match dataset"):
        PerceptronClassifier().fit(X, y, coef_init=np.zeros((1, X.shape[1])))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_fit_intercept_false_keeps_a_zero_intercept(iris, n_classes, activation):
    X, y = iris
    y = _iris_labels(y, n_classes)
    clf = PerceptronClassifier(fit_intercept=False, activation=activation).fit(X, y)
    assert_array_equal(clf.intercept_, 0.0)
    assert np.abs(clf.coef_).max() > 0
    assert_allclose(clf.decision_function(X), np.squeeze(X @ clf.coef_.T))


# -- penalties ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def penalised_fits():
    """The sigmoid neuron on 3 informative of 20 features, under each penalty."""
    X, y = make_classification(
        n_samples=300, n_features=20, n_informative=3, n_redundant=0, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    return {
        penalty: PerceptronClassifier(
            activation="sigmoid", penalty=penalty, alpha=0.05, eta0=0.1
        ).fit(X, y)
        for penalty in (None, "l2", "l1", "elasticnet")
    }


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
def test_penalty_shrinks_the_weights(penalised_fits, penalty):
    norm = np.linalg.norm(penalised_fits[penalty].coef_)
    assert norm < 0.8 * np.linalg.norm(penalised_fits[None].coef_)


def test_l1_gives_sparser_weights(penalised_fits):
    def n_small(penalty):
        return int((np.abs(penalised_fits[penalty].coef_) < 0.01).sum())

    assert n_small("l1") > n_small(None)
    assert n_small("l1") > n_small("l2")


def test_alpha_is_unused_without_a_penalty(iris):
    X, y = iris
    low = PerceptronClassifier(alpha=1e-4).fit(X, y)
    high = PerceptronClassifier(alpha=10.0).fit(X, y)
    assert_array_equal(low.coef_, high.coef_)


# -- stopping and reproducibility ---------------------------------------------------


def test_minibatch_early_stopping_keeps_the_best_validation_epoch(binary, capsys):
    """With mini-batches the validation split is stratified and seeded, and the
    best epoch's weights are kept."""
    X, y = binary
    clf = PerceptronClassifier(
        batch_size=2,
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=10,
        random_state=0,
        verbose=1,
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    scores = [
        float(re.search(r"validation score = ([\d.]+)", line).group(1))
        for line in lines
        if "validation score = " in line
    ]
    assert len(scores) == clf.n_iter_ < clf.max_iter
    assert scores[-1] < max(scores), "configuration where the last epoch is not best"
    Y = LabelBinarizer(neg_label=-1).fit_transform(y).astype(float)
    _, X_val, _, Y_val = train_test_split(
        X, Y, test_size=0.3, stratify=Y, random_state=np.random.RandomState(0)
    )
    y_val = (Y_val[:, 0] > 0).astype(int)
    assert_allclose(clf.score(X_val, y_val), max(scores), atol=1e-6)


def test_early_stopping_stops_before_max_iter(breast_cancer):
    X, y = breast_cancer
    clf = PerceptronClassifier(early_stopping=True, max_iter=1000).fit(X, y)
    assert clf.n_iter_ < 100
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.score(X, y) > 0.95


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_tol_none_runs_every_epoch(iris, activation):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = PerceptronClassifier(activation=activation, tol=None, max_iter=30)
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == 30
    assert clf.t_ == 30 * len(X) + 1


def test_convergence_warning_when_max_iter_runs_out(iris):
    X, y = iris
    clf = PerceptronClassifier(max_iter=3)  # too few for n_iter_no_change=5
    with pytest.warns(ConvergenceWarning, match=r"increasing max_iter \(now 3\)"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_random_state_drives_the_shuffle(iris, activation):
    X, y = iris

    def coef(**params):
        clf = PerceptronClassifier(activation=activation, max_iter=20, **params)
        return clf.fit(X, y).coef_

    assert_array_equal(coef(random_state=3), coef(random_state=3))
    assert not np.allclose(coef(random_state=3), coef(random_state=4))
    assert_array_equal(
        coef(random_state=3, shuffle=False), coef(random_state=4, shuffle=False)
    )


# -- input formats ------------------------------------------------------------------


def test_step_sparse_input_damps_the_intercept_as_sklearn_does(iris):
    """scikit-learn moves the bias 100 times less on sparse data; so do we."""
    X, y = iris
    X = sp.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
    ours = PerceptronClassifier(eta0=0.1).fit(X, y)
    theirs = Perceptron(eta0=0.1).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 7])
def test_sparse_input_gives_the_dense_result(iris, batch_size):
    """Same result for sparse input: sigmoid at any batch size, step in batches.

    (The exact per-sample step rule damps the bias on sparse data, as
    scikit-learn does, so it differs from its dense self there.)
    """
    X, y = iris
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # a third of the entries are zero
    activation = "sigmoid" if batch_size == 1 else "step"
    clf = PerceptronClassifier(activation=activation, eta0=0.1, batch_size=batch_size)
    dense = clone(clf).fit(X, y)
    sparse = clone(clf).fit(sp.csr_matrix(X), y)
    assert dense.n_iter_ == sparse.n_iter_
    assert_allclose(sparse.coef_, dense.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-10, atol=1e-12)
    assert_array_equal(sparse.predict(sp.csr_matrix(X)), dense.predict(X))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float32_stays_float32(iris, activation):
    X, y = iris
    clf = PerceptronClassifier(activation=activation).fit(X.astype(np.float32), y)
    assert clf.coef_.dtype == np.float32
    assert clf.intercept_.dtype == np.float32
    assert clf.decision_function(X.astype(np.float32)).dtype == np.float32
    in_float64 = PerceptronClassifier(activation=activation).fit(X, y)
    assert clf.n_iter_ == in_float64.n_iter_
    assert_allclose(clf.coef_, in_float64.coef_, rtol=1e-4, atol=1e-4)


def test_sparsify_and_densify(iris):
    X, y = iris
    clf = PerceptronClassifier(penalty="l1", alpha=0.01).fit(X, y)
    dense_coef, predictions = clf.coef_.copy(), clf.predict(X)
    assert clf.sparsify() is clf
    assert sp.issparse(clf.coef_)
    assert_array_equal(clf.coef_.toarray(), dense_coef)
    assert_array_equal(clf.predict(X), predictions)
    assert clf.densify() is clf
    assert isinstance(clf.coef_, np.ndarray)
    assert_array_equal(clf.coef_, dense_coef)


def test_warm_start_from_sparsified_weights(iris):
    X, y = iris
    params = dict(warm_start=True, tol=None, max_iter=2, shuffle=False)
    sparsified = PerceptronClassifier(**params).fit(X, y).sparsify().fit(X, y)
    dense = PerceptronClassifier(**params).fit(X, y).fit(X, y)
    assert isinstance(sparsified.coef_, np.ndarray)
    assert_allclose(sparsified.coef_, dense.coef_, rtol=1e-12)


# -- t_, as in scikit-learn ---------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_t_counts_samples_seen(iris, activation):
    X, y = iris
    clf = PerceptronClassifier(activation=activation).fit(X, y)
    assert clf.t_ == clf.n_iter_ * len(X) + 1


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_t_with_early_stopping_follows_sklearn(iris, n_classes, activation):
    """sklearn sets ``t_ = n_iter_ * n_samples + 1``, held-out samples included."""
    X, y = iris
    y = _iris_labels(y, n_classes)
    params = dict(early_stopping=True, random_state=0)
    ours = PerceptronClassifier(activation=activation, **params).fit(X, y)
    theirs = Perceptron(**params).fit(X, y)
    assert theirs.t_ == theirs.n_iter_ * len(X) + 1
    assert ours.t_ == ours.n_iter_ * len(X) + 1


# -- quality against sklearn's Perceptron -------------------------------------------

SEEDS = range(5)
TOLERANCE = 0.01

# KNOWN SHORTFALL, iris: ours is below sklearn by more than the tolerance, a
# documented gap (the lead measured ~0.86 against ~0.89 over 20 seeds; the source
# revisions seen while this file was written gave 0.84-0.86 against 0.895).
# Versicolor and virginica are not linearly separable, so the step rule's final
# planes depend on where the stopping rule catches them; batch_size=1 does not
# close the gap (0.86), and sklearn's own Perceptron inside a OneVsRestClassifier
# scored 0.86 as well. Until the gap is closed we assert a floor only.
KNOWN_SHORTFALL = {"iris": 0.80}

QUALITY_CASES = {
    "digits": partial(load_digits, return_X_y=True),
    "breast_cancer": partial(load_breast_cancer, return_X_y=True),
    "wine": partial(load_wine, return_X_y=True),
    "iris": partial(load_iris, return_X_y=True),
    "separable": partial(
        make_classification,
        n_samples=400,
        n_features=10,
        n_informative=4,
        n_redundant=0,
        n_clusters_per_class=1,
        class_sep=4.0,
        flip_y=0.0,
        random_state=0,
    ),
}
LIBRARIES = {"sklearn": Perceptron, "skperceptron": PerceptronClassifier}


def _mean_test_accuracy(estimator_class, X, y):
    scores = []
    for seed in SEEDS:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, stratify=y, random_state=seed
        )
        scaler = StandardScaler().fit(X_train)
        clf = estimator_class(random_state=seed).fit(scaler.transform(X_train), y_train)
        scores.append(clf.score(scaler.transform(X_test), y_test))
    return float(np.mean(scores))


def _test_size(y):
    return len(train_test_split(y, stratify=y, random_state=0)[1])


def _markdown_table(table):
    lines = [
        "| dataset | test samples | sklearn | skperceptron | difference |",
        "|---|---|---|---|---|",
    ]
    for name, row in table.items():
        difference = row["skperceptron"] - row["sklearn"]
        lines.append(
            f"| {name} | {row['n_test']} | {row['sklearn']:.4f} "
            f"| {row['skperceptron']:.4f} | {difference:+.4f} |"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def quality_table():
    """Mean test accuracy over ``SEEDS``, step neuron, default parameters."""
    table = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, load in QUALITY_CASES.items():
            X, y = load()
            table[name] = {
                library: _mean_test_accuracy(estimator_class, X, y)
                for library, estimator_class in LIBRARIES.items()
            }
            table[name]["n_test"] = _test_size(y)
    print(
        f"\n\nPerceptron mean test accuracy over {len(SEEDS)} seeds\n\n"
        f"{_markdown_table(table)}\n"
    )
    return table


@pytest.mark.parametrize("name", list(QUALITY_CASES))
def test_quality_against_sklearn(quality_table, name):
    row = quality_table[name]
    if name in KNOWN_SHORTFALL:  # see KNOWN_SHORTFALL: a floor, not parity
        assert row["skperceptron"] >= KNOWN_SHORTFALL[name], row
        return
    # A difference below one test sample per split is noise, not quality.
    tolerance = max(TOLERANCE, 1.0 / row["n_test"])
    assert row["skperceptron"] >= row["sklearn"] - tolerance, row


def test_separable_case_is_separable():
    X, y = QUALITY_CASES["separable"]()
    assert _is_one_vs_rest_separable(X, y)


@pytest.mark.parametrize("penalty", ["l2", "elasticnet"])
def test_minibatch_l2_shrink_stops_at_zero_as_the_per_sample_rule(penalty):
    """eta0 * alpha > 1: scikit-learn's rule caps each step's shrink factor at 0;
    mini-batch steps do too, instead of flipping and growing the weights."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    y = (X[:, 0] > 0).astype(int)
    params = dict(penalty=penalty, alpha=10.0, eta0=1e6, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = PerceptronClassifier(batch_size=16, **params).fit(X, y)
    # zeroed by the shrink, each step leaves at most one batch's update
    bound = params["eta0"] * np.abs(X).sum(axis=1).max()
    assert np.abs(clf.coef_).max() <= bound
    if penalty == "l2":  # elastic net's L1 steps of 1.5e6 still overshoot zero
        assert clf.score(X, y) > 0.6


@pytest.mark.parametrize("penalty, l1_ratio", [("l2", 0.15), ("elasticnet", 0.3)])
def test_capped_shrink_keeps_the_l1_part(penalty, l1_ratio):
    from skperceptron._perceptron import _shrink_capped_at_zero

    alpha, ratio = _shrink_capped_at_zero(penalty, 10.0, l1_ratio, 1e3)
    l1_share = l1_ratio if penalty == "elasticnet" else 0.0
    assert alpha * ratio == pytest.approx(10.0 * l1_share)
    assert 1.0 - 1e3 * alpha * (1.0 - ratio) == pytest.approx(0.0, abs=1e-12)
    assert _shrink_capped_at_zero(penalty, 1e-4, l1_ratio, 1.0) == (1e-4, l1_ratio)
