"""Conversion to and from scikit-learn's MLPs: same predictions, honest refusals."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import is_classifier
from sklearn.datasets import (
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor
from skperceptron._convert import (
    _EXTRA_PARAMETER_DEFAULTS,
    from_sklearn,
    to_sklearn,
)

SKLEARN_CLASS = {DeepMLPClassifier: MLPClassifier, DeepMLPRegressor: MLPRegressor}


def binary():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    return X, y


def multiclass():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def multilabel():
    X, Y = make_multilabel_classification(n_samples=120, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), Y


def single_output():
    X, y = make_regression(n_samples=120, n_features=5, noise=1.0, random_state=0)
    return X, y / y.std()


def multi_output():
    X, Y = make_regression(n_samples=120, n_features=5, n_targets=3, random_state=0)
    return X, Y / Y.std(axis=0)


TASKS = [
    (DeepMLPClassifier, binary),
    (DeepMLPClassifier, multiclass),
    (DeepMLPClassifier, multilabel),
    (DeepMLPRegressor, single_output),
    (DeepMLPRegressor, multi_output),
]
TASK_IDS = [task.__name__ for _, task in TASKS]


def fit_small(estimator_class, data, **params):
    """``estimator_class`` (ours or scikit-learn's) with a small net, fitted."""
    X, y = data
    settings = dict(hidden_layer_sizes=(8, 5), max_iter=30, random_state=0)
    return estimator_class(**{**settings, **params}).fit(X, y)


def assert_same_predictions(first, second, X, y):
    assert_array_equal(first.predict(X), second.predict(X))
    if is_classifier(first):
        assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.score(X, y) == second.score(X, y)


def assert_equal_unshared_weights(first, second):
    for ours, theirs in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_
    ):
        assert_array_equal(ours, theirs)
        assert not np.shares_memory(ours, theirs)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("estimator_class, task", TASKS, ids=TASK_IDS)
def test_to_sklearn(estimator_class, task, solver):
    X, y = task()
    ours = fit_small(estimator_class, (X, y), solver=solver, activation="tanh")
    model = to_sklearn(ours)

    assert type(model) is SKLEARN_CLASS[estimator_class]
    shared = model.get_params()
    assert shared == {name: ours.get_params()[name] for name in shared}
    assert_equal_unshared_weights(ours, model)
    assert_same_predictions(ours, model, X, y)
    for name in ("n_layers_", "n_outputs_", "out_activation_", "n_iter_", "t_"):
        assert getattr(model, name) == getattr(ours, name)


@pytest.mark.parametrize("estimator_class, task", TASKS, ids=TASK_IDS)
def test_from_sklearn(estimator_class, task):
    X, y = task()
    model = fit_small(SKLEARN_CLASS[estimator_class], (X, y), activation="logistic")
    ours = from_sklearn(estimator_class, model)

    assert type(ours) is estimator_class
    expected = {**estimator_class().get_params(), **model.get_params()}
    assert ours.get_params() == expected
    assert_equal_unshared_weights(model, ours)
    assert_same_predictions(model, ours, X, y)
    assert ours.loss_curve_ == model.loss_curve_


@pytest.mark.parametrize("estimator_class, task", TASKS, ids=TASK_IDS)
def test_round_trip_keeps_predictions(estimator_class, task):
    X, y = task()
    ours = fit_small(estimator_class, (X, y), activation="relu")
    back = from_sklearn(estimator_class, to_sklearn(ours))

    assert_same_predictions(ours, back, X, y)
    assert back.get_params() == ours.get_params()


def test_binary_string_labels_survive():
    X, y = binary()
    labels = np.array(["no", "yes"])[y]
    ours = fit_small(DeepMLPClassifier, (X, labels))
    model = to_sklearn(ours)

    assert_array_equal(model.classes_, ["no", "yes"])
    assert_same_predictions(ours, model, X, labels)


@pytest.mark.parametrize("estimator_class, task", TASKS, ids=TASK_IDS)
def test_feature_names_preserved(estimator_class, task):
    pd = pytest.importorskip("pandas")
    X, y = task()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    ours = fit_small(estimator_class, (frame, y))
    model = to_sklearn(ours)
    back = from_sklearn(estimator_class, model)

    for converted in (model, back):
        assert_array_equal(converted.feature_names_in_, frame.columns)
        assert converted.n_features_in_ == X.shape[1]
    assert_same_predictions(ours, model, frame, y)
    with pytest.raises(ValueError, match="Feature names"):
        model.predict(frame.rename(columns={"f0": "renamed"}))


def test_per_layer_activation_list_of_one_name_converts():
    X, y = multiclass()
    ours = fit_small(DeepMLPClassifier, (X, y), activation=["tanh", "tanh"])
    model = to_sklearn(ours)

    assert model.activation == "tanh"
    assert_same_predictions(ours, model, X, y)


@pytest.mark.parametrize("activation", ["tanh", []])
def test_network_without_hidden_layers_converts(activation):
    X, y = multiclass()
    ours = fit_small(
        DeepMLPClassifier, (X, y), hidden_layer_sizes=(), activation=activation
    )
    assert_same_predictions(ours, to_sklearn(ours), X, y)


def test_per_layer_dropout_of_zeros_converts():
    X, y = multiclass()
    ours = fit_small(DeepMLPClassifier, (X, y), dropout=[0.0, 0.0])

    assert_same_predictions(ours, to_sklearn(ours), X, y)


@pytest.mark.parametrize("estimator_class, task", TASKS, ids=TASK_IDS)
def test_converted_model_keeps_training_in_sklearn(estimator_class, task):
    X, y = task()
    ours = fit_small(estimator_class, (X, y), solver="sgd")
    model = to_sklearn(ours)

    model.partial_fit(X, y)
    assert model.t_ == ours.t_ + X.shape[0]
    assert model.loss_curve_[:-1] == ours.loss_curve_
    assert len(model.loss_curve_) == len(ours.loss_curve_) + 1
    model.set_params(warm_start=True, max_iter=3).fit(X, y)
    assert np.isfinite(model.score(X, y))


def test_converted_early_stopping_model_keeps_its_weights_without_improvement():
    X, y = multiclass()
    ours = fit_small(DeepMLPClassifier, (X, y), early_stopping=True)
    model = to_sklearn(ours)
    model.best_validation_score_ = 1.0  # no accuracy beats it: nothing improves

    model.set_params(warm_start=True, max_iter=3).fit(X, y)

    assert model.validation_scores_[: len(ours.validation_scores_)] == (
        ours.validation_scores_
    )
    assert len(model.validation_scores_) > len(ours.validation_scores_)
    assert_equal_unshared_weights(ours, model)  # the converted weights were kept
    assert_same_predictions(ours, model, X, y)


@pytest.mark.parametrize("estimator_class, task", TASKS, ids=TASK_IDS)
def test_estimator_from_sklearn_keeps_training(estimator_class, task):
    X, y = task()
    model = fit_small(SKLEARN_CLASS[estimator_class], (X, y), solver="adam")
    ours = from_sklearn(estimator_class, model)

    n_epochs = len(model.loss_curve_)
    assert ours.history_["loss"] == model.loss_curve_
    assert np.isnan(ours.history_["learning_rate"]).all()
    assert len(ours.history_["seconds"]) == n_epochs
    assert ours.best_epoch_ == np.argmin(model.loss_curve_) + 1
    ours.partial_fit(X, y)
    assert len(ours.history_["loss"]) == n_epochs + 1
    assert ours.t_ == model.t_ + X.shape[0]


def test_early_stopping_history_from_sklearn():
    X, y = multiclass()
    model = fit_small(MLPClassifier, (X, y), early_stopping=True)
    ours = from_sklearn(DeepMLPClassifier, model)

    assert ours.history_["validation_score"] == model.validation_scores_
    assert np.isnan(ours.history_["validation_loss"]).all()
    assert ours.best_epoch_ == np.argmax(model.validation_scores_) + 1
    ours.set_params(warm_start=True, max_iter=2).fit(X, y)
    n_epochs = len(model.validation_scores_) + ours.n_iter_
    assert len(ours.history_["validation_score"]) == n_epochs
    assert len(ours.history_["validation_loss"]) == n_epochs


def test_lbfgs_from_sklearn_has_no_history():
    X, y = multiclass()
    model = fit_small(MLPClassifier, (X, y), solver="lbfgs")
    ours = from_sklearn(DeepMLPClassifier, model)

    assert not hasattr(ours, "history_")
    assert_same_predictions(model, ours, X, y)


# Each setting scikit-learn cannot express, with the words the refusal must hold.
NOT_EXPRESSIBLE = [
    (DeepMLPClassifier, {"activation": "gelu"}, "activation='gelu' is not one of"),
    (DeepMLPRegressor, {"activation": "leaky_relu"}, "activation='leaky_relu'"),
    (DeepMLPClassifier, {"activation": "elu"}, "activation='elu'"),
    (DeepMLPClassifier, {"activation": "softplus"}, "activation='softplus'"),
    (DeepMLPClassifier, {"activation": "silu"}, "activation='silu'"),
    (
        DeepMLPClassifier,
        {"activation": ["relu", "tanh"]},
        r"activation=\['relu', 'tanh'\] differs between hidden layers",
    ),
    (DeepMLPClassifier, {"solver": "adamw"}, "solver='adamw' is not one of"),
    (DeepMLPRegressor, {"solver": "rmsprop"}, "solver='rmsprop'"),
    (
        DeepMLPClassifier,
        {"solver": "sgd", "learning_rate": "cosine"},
        "learning_rate='cosine' is not one of",
    ),
    (DeepMLPRegressor, {"solver": "sgd", "learning_rate": "step"}, "'step'"),
    (DeepMLPRegressor, {"loss": "huber"}, "loss='huber' is not one of"),
    (DeepMLPRegressor, {"loss": "absolute_error"}, "loss='absolute_error'"),
    (DeepMLPClassifier, {"dropout": 0.2}, "dropout=0.2 .scikit-learn has no"),
    (DeepMLPRegressor, {"dropout": [0.0, 0.1]}, r"dropout=\[0.0, 0.1\]"),
    (DeepMLPClassifier, {"class_weight": "balanced"}, "class_weight='balanced'"),
    (DeepMLPClassifier, {"class_weight": {0: 1, 1: 2, 2: 1}}, "class_weight="),
    (DeepMLPRegressor, {"max_grad_norm": 1.0}, "max_grad_norm=1.0"),
    (DeepMLPClassifier, {"warmup_epochs": 2}, "warmup_epochs=2"),
    (DeepMLPClassifier, {"weight_init": "he_normal"}, "weight_init='he_normal'"),
    (DeepMLPRegressor, {"weight_decay": 0.1}, "weight_decay=0.1"),
    (DeepMLPClassifier, {"rho": 0.5}, "rho=0.5"),
    (DeepMLPClassifier, {"learning_rate_min": 1e-5}, "learning_rate_min=1e-05"),
    (DeepMLPRegressor, {"step_decay_epochs": 5}, "step_decay_epochs=5"),
    (DeepMLPRegressor, {"step_decay_factor": 0.5}, "step_decay_factor=0.5"),
    (
        DeepMLPClassifier,
        {"early_stopping": True, "early_stopping_metric": "loss"},
        "early_stopping_metric='loss'",
    ),
    (DeepMLPRegressor, {"huber_delta": 2.0}, "huber_delta=2.0"),
]


@pytest.mark.parametrize(
    "estimator_class, params, message",
    NOT_EXPRESSIBLE,
    ids=[" ".join(f"{k}={v}" for k, v in p.items()) for _, p, _ in NOT_EXPRESSIBLE],
)
def test_refuses_what_sklearn_cannot_express(estimator_class, params, message):
    task = multiclass if is_classifier(estimator_class()) else single_output
    ours = fit_small(estimator_class, task(), max_iter=3, **params)

    with pytest.raises(ValueError, match=f"cannot be converted.*{message}"):
        to_sklearn(ours)


def test_refusal_names_every_problem():
    ours = DeepMLPClassifier(solver="adamw", dropout=0.1, activation="gelu")

    with pytest.raises(ValueError) as refusal:
        to_sklearn(ours)
    for name in ("solver='adamw'", "dropout=0.1", "activation='gelu'"):
        assert name in str(refusal.value)


@pytest.mark.parametrize("estimator_class", [DeepMLPClassifier, DeepMLPRegressor])
def test_every_extra_parameter_is_checked(estimator_class):
    """A new parameter scikit-learn lacks must be added to the refusal table."""
    ours = estimator_class().get_params()
    extras = set(ours) - set(SKLEARN_CLASS[estimator_class]().get_params())

    assert extras <= set(_EXTRA_PARAMETER_DEFAULTS)
    for name in extras:
        assert ours[name] == _EXTRA_PARAMETER_DEFAULTS[name]


def test_to_sklearn_needs_a_fitted_estimator():
    with pytest.raises(NotFittedError):
        to_sklearn(DeepMLPRegressor())


def test_from_sklearn_needs_a_fitted_model():
    with pytest.raises(NotFittedError):
        from_sklearn(DeepMLPClassifier, MLPClassifier())


@pytest.mark.parametrize(
    "estimator_class, model",
    [
        (DeepMLPClassifier, MLPRegressor()),
        (DeepMLPRegressor, MLPClassifier()),
        (DeepMLPClassifier, LogisticRegression()),
    ],
)
def test_from_sklearn_needs_a_model_of_the_same_kind(estimator_class, model):
    with pytest.raises(ValueError, match=f"{estimator_class.__name__} can only be"):
        from_sklearn(estimator_class, model)
