"""The deep-learning extras on top of scikit-learn's MLP: each does what it claims.

Every test compares against the same estimator without the extra (or with
another value of it), so it fails if the option is ignored.
"""

import io
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor

NEW_ACTIVATIONS = ["leaky_relu", "elu", "gelu", "softplus", "silu"]


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, train_size=300, random_state=0, stratify=y)


# -- defaults reproduce scikit-learn ---------------------------------------------------


def test_default_extras_train_exactly_like_sklearn(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    ours = DeepMLPClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    for ours_W, their_W in zip(ours.coefs_, theirs.coefs_):
        assert_allclose(ours_W, their_W, rtol=1e-6, atol=1e-9)


# -- activations and initialisers ------------------------------------------------------


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS)
def test_new_activations_learn_and_are_reproducible(activation, iris):
    X, y = iris
    make = lambda: DeepMLPClassifier(  # noqa: E731
        (16,), activation=activation, learning_rate_init=0.01, random_state=0
    )
    first, second = make().fit(X, y), make().fit(X, y)
    assert first.score(X, y) > 0.9
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    relu = DeepMLPClassifier((16,), learning_rate_init=0.01, random_state=0)
    relu.fit(X, y)
    assert not np.allclose(first.coefs_[0], relu.coefs_[0])


def test_activation_per_hidden_layer(iris):
    X, y = iris
    mixed = DeepMLPClassifier(
        (8, 8), activation=["tanh", "relu"], max_iter=5, random_state=0
    ).fit(X, y)
    all_tanh = DeepMLPClassifier(
        (8, 8), activation="tanh", max_iter=5, random_state=0
    ).fit(X, y)
    all_relu = DeepMLPClassifier(
        (8, 8), activation="relu", max_iter=5, random_state=0
    ).fit(X, y)
    assert not np.allclose(mixed.predict_proba(X), all_tanh.predict_proba(X))
    assert not np.allclose(mixed.predict_proba(X), all_relu.predict_proba(X))


def test_activation_list_of_wrong_length_is_rejected(iris):
    X, y = iris
    with pytest.raises(ValueError, match="one entry per hidden layer"):
        DeepMLPClassifier((8, 8), activation=["tanh"]).fit(X, y)
    with pytest.raises(ValueError, match="activation"):
        DeepMLPClassifier((8,), activation=["nope"]).fit(X, y)


@pytest.mark.parametrize(
    "weight_init, expected_std",
    [
        ("he_normal", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
        ("lecun_normal", lambda fan_in, fan_out: np.sqrt(1 / fan_in)),
        ("glorot_normal", lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out))),
    ],
)
def test_weight_init_sets_the_starting_spread(weight_init, expected_std):
    X, y = make_classification(n_samples=60, n_features=400, random_state=0)
    # a step so small that the weights stay where they started
    net = DeepMLPClassifier(
        (300,),
        weight_init=weight_init,
        learning_rate_init=1e-12,
        max_iter=1,
        random_state=0,
    ).fit(X, y)
    assert net.coefs_[0].std() == pytest.approx(expected_std(400, 300), rel=0.03)
    assert_allclose(net.intercepts_[0], 0.0, atol=1e-9)


# -- dropout ---------------------------------------------------------------------------


def test_dropout_narrows_the_train_validation_gap(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    X_train, y_train = X_train[:200], y_train[:200]
    params = dict(
        hidden_layer_sizes=(256, 256),
        alpha=0.0,
        learning_rate_init=0.01,
        max_iter=60,
        tol=0.0,
        n_iter_no_change=1000,
    )

    def gap(model):
        return _log_loss(model, X_test, y_test) - _log_loss(model, X_train, y_train)

    for seed in (0, 1):
        plain = DeepMLPClassifier(random_state=seed, **params).fit(X_train, y_train)
        dropped = DeepMLPClassifier(dropout=0.5, random_state=seed, **params)
        dropped.fit(X_train, y_train)
        # the plain network memorises 200 samples (training loss ~0) and its
        # test loss climbs far above; dropout keeps the two closer
        assert gap(dropped) < 0.85 * gap(plain)
        assert dropped.score(X_test, y_test) >= plain.score(X_test, y_test)


def _log_loss(model, X, y):
    proba = model.predict_proba(X)
    return -np.mean(np.log(np.clip(proba[np.arange(len(y)), y], 1e-15, 1)))


def test_dropout_is_off_in_predict_and_reproducible(iris):
    X, y = iris
    make = lambda: DeepMLPClassifier(  # noqa: E731
        (32,), dropout=0.5, max_iter=20, random_state=0
    )
    model = make().fit(X, y)
    assert_array_equal(model.predict_proba(X), model.predict_proba(X))
    assert_array_equal(model.predict_proba(X), make().fit(X, y).predict_proba(X))
    other_seed = DeepMLPClassifier((32,), dropout=0.5, max_iter=20, random_state=1)
    assert not np.allclose(
        other_seed.fit(X, y).predict_proba(X), model.predict_proba(X)
    )


def test_dropout_per_layer_and_with_lbfgs(iris):
    X, y = iris
    DeepMLPClassifier((8, 8), dropout=[0.1, 0.3], max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="one entry per hidden layer"):
        DeepMLPClassifier((8, 8), dropout=[0.1]).fit(X, y)
    with pytest.raises(ValueError, match="stochastic solver"):
        DeepMLPClassifier((8,), dropout=0.2, solver="lbfgs").fit(X, y)


# -- solvers ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["adamw", "rmsprop"])
def test_new_solvers_learn(solver, digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = DeepMLPClassifier((64,), solver=solver, max_iter=100, random_state=0)
    assert model.fit(X_train, y_train).score(X_test, y_test) > 0.85


def test_adamw_weight_decay_shrinks_the_weights(iris):
    X, y = iris
    norms = []
    for weight_decay in (0.0, 1.0):
        model = DeepMLPClassifier(
            (32,),
            solver="adamw",
            weight_decay=weight_decay,
            learning_rate_init=0.01,
            max_iter=100,
            random_state=0,
        ).fit(X, y)
        norms.append(sum(np.sum(W**2) for W in model.coefs_))
    assert norms[1] < 0.5 * norms[0]


def test_adamw_without_decay_is_adam(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    adamw = DeepMLPClassifier(solver="adamw", weight_decay=0.0, **params).fit(X, y)
    adam = DeepMLPClassifier(solver="adam", **params).fit(X, y)
    assert_allclose(adamw.coefs_[0], adam.coefs_[0])


# -- schedules -------------------------------------------------------------------------


def test_cosine_schedule_ends_at_its_minimum(iris):
    X, y = iris
    model = DeepMLPClassifier(
        (8,),
        learning_rate="cosine",
        learning_rate_init=0.01,
        learning_rate_min=1e-4,
        max_iter=20,
        tol=0.0,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X, y)
    rates = model.history_["learning_rate"]
    assert len(rates) == 20
    assert rates[0] == pytest.approx(0.01)
    assert rates[-1] == pytest.approx(1e-4)
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_step_schedule_with_warmup(iris):
    X, y = iris
    model = DeepMLPClassifier(
        (8,),
        solver="sgd",
        learning_rate="step",
        learning_rate_init=0.1,
        step_decay_epochs=3,
        step_decay_factor=0.5,
        warmup_epochs=2,
        max_iter=10,
        tol=0.0,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X, y)
    rates = np.array(model.history_["learning_rate"])
    assert rates[0] < rates[1] < rates[2] == pytest.approx(0.1)
    assert_allclose(rates[2:], [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025])


def test_sklearn_schedules_still_act_on_sgd_only(iris):
    X, y = iris
    model = DeepMLPClassifier(
        (8,), solver="adam", learning_rate="invscaling", max_iter=5, random_state=0
    ).fit(X, y)
    assert set(model.history_["learning_rate"]) == {0.001}


# -- gradient clipping -----------------------------------------------------------------


def test_clipping_keeps_a_diverging_fit_finite():
    X, y = make_regression(n_samples=200, n_features=10, random_state=0)
    X = X * 100.0  # unscaled inputs: huge gradients
    params = dict(
        hidden_layer_sizes=(32,),
        solver="sgd",
        learning_rate_init=0.01,
        max_iter=20,
        random_state=0,
    )
    with pytest.raises(ValueError, match="Training diverged"):
        DeepMLPRegressor(**params).fit(X, y)
    clipped = DeepMLPRegressor(max_grad_norm=1.0, **params).fit(X, y)
    assert np.isfinite(clipped.loss_curve_).all()
    assert np.isfinite(clipped.predict(X)).all()


# -- class weights ---------------------------------------------------------------------


def test_class_weight_moves_recall_to_the_minority_class():
    X, y = make_classification(
        n_samples=600, weights=[0.9, 0.1], class_sep=0.5, random_state=0
    )
    params = dict(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    plain = DeepMLPClassifier(**params).fit(X, y)
    balanced = DeepMLPClassifier(class_weight="balanced", **params).fit(X, y)
    assert recall_score(y, balanced.predict(X)) > recall_score(y, plain.predict(X))


def test_class_weight_dict_equals_sample_weights(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    by_class = DeepMLPClassifier(class_weight={0: 3.0, 1: 1.0, 2: 0.5}, **params)
    by_sample = DeepMLPClassifier(**params)
    weights = np.array([3.0, 1.0, 0.5])[y]
    assert_allclose(
        by_class.fit(X, y).coefs_[0], by_sample.fit(X, y, weights).coefs_[0]
    )


def test_class_weight_errors(iris):
    X, y = iris
    with pytest.raises(ValueError, match="not in class"):
        DeepMLPClassifier(class_weight={7: 2.0}, max_iter=2).fit(X, y)
    model = DeepMLPClassifier(class_weight="balanced")
    with pytest.raises(ValueError, match="partial_fit"):
        model.partial_fit(X, y, classes=[0, 1, 2])


# -- regression losses -----------------------------------------------------------------


def test_huber_is_robust_to_outliers_where_squared_error_is_not():
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    y = (y - y.mean()) / y.std()
    y_dirty = y.copy()
    y_dirty[:15] += 50.0  # 5% gross outliers
    params = dict(hidden_layer_sizes=(32,), max_iter=300, random_state=0)

    def clean_error(loss, **extra):
        model = DeepMLPRegressor(loss=loss, **params, **extra).fit(X, y_dirty)
        return np.mean(np.abs(model.predict(X[15:]) - y[15:]))

    squared = clean_error("squared_error")
    assert clean_error("huber", huber_delta=1.0) < 0.5 * squared
    assert clean_error("absolute_error") < 0.5 * squared


def test_huber_delta_is_used():
    X, y = make_regression(n_samples=100, n_features=3, random_state=0)
    y = y / y.std()
    params = dict(loss="huber", hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    small = DeepMLPRegressor(huber_delta=0.1, **params).fit(X, y)
    large = DeepMLPRegressor(huber_delta=10.0, **params).fit(X, y)
    assert small.loss_ < large.loss_


# -- validation data, history and early stopping on the loss ---------------------------


def test_fit_with_validation_data_uses_it(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = DeepMLPClassifier(
        (32,), early_stopping=True, max_iter=15, n_iter_no_change=100, random_state=0
    ).fit(X_train, y_train, X_val=X_test, y_val=y_test)
    assert len(model.validation_scores_) == model.n_iter_ == 15
    # the split is not taken from the training data: all 300 samples train
    assert model.t_ == 15 * len(X_train)
    best = int(np.argmax(model.validation_scores_))
    assert model.best_epoch_ == best + 1
    assert model.score(X_test, y_test) == pytest.approx(model.validation_scores_[best])


def test_early_stopping_on_validation_loss_keeps_the_best_epoch(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = DeepMLPClassifier(
        (256,),
        alpha=0.0,
        learning_rate_init=0.01,
        early_stopping=True,
        early_stopping_metric="loss",
        n_iter_no_change=5,
        max_iter=200,
        random_state=0,
    ).fit(X_train, y_train, X_val=X_test, y_val=y_test)
    losses = model.validation_loss_curve_
    best = int(np.argmin(losses))
    assert model.best_epoch_ == best + 1
    assert model.best_validation_loss_ == pytest.approx(losses[best])
    assert len(losses) < 200  # stopped on the plateau
    assert _log_loss(model, X_test, y_test) == pytest.approx(losses[best], rel=1e-6)


def test_validation_data_errors(iris):
    X, y = iris
    model = DeepMLPClassifier(max_iter=2)
    with pytest.raises(ValueError, match="early_stopping"):
        model.fit(X, y, X_val=X, y_val=y)
    with pytest.raises(ValueError, match="y_val was not provided"):
        model.set_params(early_stopping=True).fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="not seen in y"):
        model.fit(X, y, X_val=X[:5], y_val=np.array([0, 1, 2, 3, 0]))
    with pytest.raises(ValueError, match="features"):
        model.fit(X, y, X_val=X[:, :2], y_val=y)


def test_history_records_each_epoch(iris):
    X, y = iris
    model = DeepMLPClassifier(
        (8,), early_stopping=True, max_iter=7, n_iter_no_change=100, random_state=0
    ).fit(X, y)
    history = model.history_
    assert set(history) == {
        "loss",
        "learning_rate",
        "seconds",
        "validation_loss",
        "validation_score",
    }
    assert all(len(values) == 7 for values in history.values())
    assert history["loss"] == model.loss_curve_
    assert history["validation_score"] == model.validation_scores_
    assert history["validation_loss"] == model.validation_loss_curve_
    assert all(seconds > 0 for seconds in history["seconds"])
    model.set_params(warm_start=True, max_iter=3).fit(X, y)
    assert len(model.history_["loss"]) == 10


def test_verbose_prints_one_line_per_epoch(iris):
    X, y = iris
    out = io.StringIO()
    with redirect_stdout(out):
        DeepMLPClassifier(
            (8,), early_stopping=True, max_iter=3, n_iter_no_change=100, verbose=True
        ).fit(X, y)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Iter")]
    assert len(lines) == 3
    for line in lines:
        assert "loss = " in line and "validation loss = " in line
        assert "validation score = " in line and "learning rate = " in line


# -- scikit-learn's callbacks ----------------------------------------------------------

callback = pytest.importorskip("sklearn.callback")


def test_scoring_monitor_records_every_epoch(iris):
    X, y = iris
    monitor = callback.ScoringMonitor(scoring="accuracy")
    model = DeepMLPClassifier((8,), max_iter=6, random_state=0)
    model.set_callbacks(monitor).fit(X, y)
    scores = [row["accuracy"] for row in monitor.get_logs().data if "accuracy" in row]
    assert len(scores) == 6
    assert scores[-1] == pytest.approx(model.score(X, y))


def test_progress_bar_runs_inside_grid_search(iris):
    pytest.importorskip("rich")
    X, y = iris
    model = DeepMLPClassifier((8,), max_iter=3, random_state=0)
    search = GridSearchCV(model, {"learning_rate_init": [0.001, 0.01]}, cv=2)
    # an auto-propagated callback is set on the meta-estimator
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    search.fit(X, y)
    assert search.best_estimator_.n_iter_ == 3


def test_scoring_monitor_inside_grid_search(iris):
    X, y = iris
    monitor = callback.ScoringMonitor(scoring="accuracy")
    model = DeepMLPClassifier((8,), max_iter=3, random_state=0)
    model.set_callbacks(monitor)
    grid = {"learning_rate_init": [0.001, 0.01]}
    GridSearchCV(model, grid, cv=2).fit(X, y)
    rows = [row for log in monitor.get_logs(select="all") for row in log.data]
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    assert len(epochs) == (2 * 2 + 1) * 3  # 4 CV fits and the refit, 3 epochs each
    assert all(0.0 <= row["accuracy"] <= 1.0 for row in epochs)
