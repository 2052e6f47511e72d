"""A stack of candidates computes exactly what the candidates compute alone."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits

from skperceptron import DeepMLPClassifier, DeepMLPRegressor
from skperceptron._core import Network
from skperceptron._stacked_fit import train_together


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:240] / 16.0, y[:240]


@pytest.mark.parametrize("loss", ["log_loss", "squared_error", "binary_log_loss"])
def test_stacked_network_matches_separate_networks(loss):
    rng = np.random.RandomState(0)
    X, Y = rng.standard_normal((20, 5)), (rng.uniform(size=(20, 3)) > 0.5) * 1.0
    alphas = np.array([[0.0], [0.1], [2.0]])
    stacked = Network([5, 7, 3], "tanh", loss, np.float64, alpha=alphas, n_candidates=3)
    stacked.params[...] = rng.standard_normal(stacked.params.shape)
    losses = stacked.loss_and_gradient(X, Y)
    for row, alpha in enumerate(alphas[:, 0]):
        single = Network([5, 7, 3], "tanh", loss, np.float64, alpha=alpha)
        single.params[...] = stacked.params[row]
        assert_allclose(losses[row], single.loss_and_gradient(X, Y), rtol=1e-12)
        assert_array_equal(stacked.grads[row], single.grads)


def test_select_candidates_keeps_their_rows():
    network = Network([4, 3, 2], "relu", "squared_error", np.float64, n_candidates=3)
    network.params[...] = np.arange(network.params.size).reshape(3, -1)
    kept = network.select_candidates([0, 2])
    assert_array_equal(kept.params, network.params[[0, 2]])
    assert kept.coefs[0].shape == (2, 4, 3)


GRID = [
    dict(learning_rate_init=lr, alpha=alpha, momentum=momentum, beta_1=beta_1)
    for lr in (1e-3, 0.3)
    for alpha in (1e-4, 1.0)
    for momentum, beta_1 in ((0.0, 0.9), (0.9, 0.5))
]


def _separate_and_stacked(base, Xs, ys, grid):
    stacked = [clone(base).set_params(**params) for params in grid for _ in Xs]
    inputs = [X for _ in grid for X in Xs]
    targets = [y for _ in grid for y in ys]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert all(train_together(stacked, inputs, targets))
        alone = [
            clone(model).fit(X, y) for model, X, y in zip(stacked, inputs, targets)
        ]
    return stacked, alone


@pytest.mark.parametrize(
    "options",
    [
        {"solver": "sgd"},
        {"solver": "sgd", "nesterovs_momentum": False},
        {"solver": "adam"},
        {"solver": "adamw"},
        {"solver": "rmsprop"},
        {"solver": "adam", "early_stopping": True, "n_iter_no_change": 2},
        {"solver": "sgd", "learning_rate": "adaptive", "n_iter_no_change": 1},
    ],
    ids=str,
)
def test_stacked_members_take_the_steps_of_their_own_fits(digits, options):
    base = DeepMLPClassifier((8,), max_iter=12, random_state=0, **options)
    X, y = digits
    halves = [(X[:120], y[:120]), (X[120:], y[120:])]
    stacked, alone = _separate_and_stacked(base, *zip(*halves), GRID)
    for ours, theirs in zip(stacked, alone):
        assert ours.n_iter_ == theirs.n_iter_
        for W_ours, W_theirs in zip(ours.coefs_, theirs.coefs_):
            assert_array_equal(W_ours, W_theirs)
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)


def test_stacked_regressors_with_own_budgets(digits):
    X, y = digits
    base = DeepMLPRegressor(hidden_layer_sizes=(6,), solver="sgd", random_state=3)
    grid = [dict(max_iter=m, tol=t) for m in (2, 9) for t in (1e-4, 0.5)]
    stacked, alone = _separate_and_stacked(base, [X], [y * 0.1], grid)
    assert len({model.n_iter_ for model in stacked}) > 1
    for ours, theirs in zip(stacked, alone):
        assert ours.n_iter_ == theirs.n_iter_
        assert_array_equal(ours.predict(X), theirs.predict(X))


def test_diverged_member_is_reported_untrained(digits):
    X, y = digits
    base = DeepMLPRegressor(hidden_layer_sizes=(6,), solver="sgd", max_iter=5)
    models = [
        clone(base).set_params(random_state=0, learning_rate_init=lr)
        for lr in (1e-3, 1e6)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert train_together(models, [X, X], [y, y]) == [True, False]


@pytest.mark.parametrize("solver", ["sgd", "adam", "adadelta"])
def test_stacked_members_go_on_with_their_own_optimizer_state(digits, solver):
    X, y = digits
    base = DeepMLPClassifier((8,), solver=solver, max_iter=4, random_state=0)
    grid = [dict(learning_rate_init=lr) for lr in (1e-3, 1e-2)]
    stacked, alone = _separate_and_stacked(base, [X], [y], grid)
    for ours, theirs in zip(stacked, alone):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
        for W_ours, W_theirs in zip(ours.coefs_, theirs.coefs_):
            assert_array_equal(W_ours, W_theirs)


@pytest.mark.parametrize(
    "n_classes, sizes",
    [(2, [2, 2]), (10, [4])],  # one output: the split is stratified by each y
)
def test_early_stopping_classifiers_stack_across_splits_unless_stratified(
    digits, stack_sizes, n_classes, sizes
):
    X, y = digits[0], digits[1] % n_classes
    base = DeepMLPClassifier((8,), max_iter=6, random_state=0, early_stopping=True)
    grid = [dict(learning_rate_init=lr) for lr in (1e-3, 1e-2)]
    stacked, alone = _separate_and_stacked(
        base, [X[:120], X[120:]], [y[:120], y[120:]], grid
    )
    assert stack_sizes == sizes
    for ours, theirs in zip(stacked, alone):
        assert_array_equal(ours.validation_scores_, theirs.validation_scores_)
        assert_array_equal(ours.coefs_[0], theirs.coefs_[0])
