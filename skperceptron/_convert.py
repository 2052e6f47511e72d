"""Conversion of fitted deep MLPs to and from scikit-learn's MLP estimators.

``to_sklearn`` turns a fitted DeepMLPClassifier or DeepMLPRegressor into the
equivalent fitted ``MLPClassifier`` or ``MLPRegressor``; ``from_sklearn`` goes
the other way. Both copy the constructor parameters scikit-learn has and deep
copies of the fitted state, so predictions are the same on both sides.
"""

import copy
from numbers import Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.validation import check_is_fitted

# The values scikit-learn's MLPs accept, for our parameters that allow more.
_SKLEARN_CHOICES = {
    "activation": {"identity", "logistic", "tanh", "relu"},
    "solver": {"lbfgs", "sgd", "adam"},
    "learning_rate": {"constant", "invscaling", "adaptive"},
    "loss": {"squared_error", "poisson"},
}

# Our parameters that scikit-learn's MLPs lack, with the defaults at which
# training follows scikit-learn's. Classifier- or regressor-only ones are
# simply absent from the other estimator's parameters.
_EXTRA_PARAMETER_DEFAULTS = {
    "dropout": 0.0,
    "weight_init": "glorot_uniform",
    "weight_decay": 0.01,
    "rho": 0.9,
    "learning_rate_min": 0.0,
    "step_decay_epochs": 10,
    "step_decay_factor": 0.1,
    "warmup_epochs": 0,
    "max_grad_norm": None,
    "early_stopping_metric": "score",
    "class_weight": None,
    "huber_delta": 1.0,
}

# Fitted state shared by both sides: every fitted attribute scikit-learn's
# MLPs read in predict, score, warm_start and partial_fit. Optimizer moments
# are not among them: each side's optimizer is its own kind of object.
_FITTED_STATE = (
    "coefs_",
    "intercepts_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "n_features_in_",
    "feature_names_in_",
    "classes_",
    "_label_binarizer",
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "_no_improvement_count",
)


def _extra_parameters(estimator):
    """The estimator's values of the parameters scikit-learn's MLPs lack.

    Read from ``get_params``, so a parameter the estimator does not have
    (such as ``class_weight`` on a regressor) is left out rather than guessed.
    """
    params = estimator.get_params(deep=False)
    return {name: params[name] for name in _EXTRA_PARAMETER_DEFAULTS if name in params}


def _is_default(value, default):
    """Whether ``value`` trains as ``default`` does.

    A per-layer list of numbers counts as the default when every entry is it.
    """
    if isinstance(default, Real):
        return bool(np.all(np.asarray(value) == default))
    return value == default


def _single_activation(activation):
    """The one activation of every hidden layer, or None when they differ.

    A network without hidden layers has none to differ: scikit-learn's default
    stands for the empty list.
    """
    if isinstance(activation, str):
        return activation
    distinct = set(activation)
    if not distinct:
        return "relu"
    return distinct.pop() if len(distinct) == 1 else None


def _choice_problems(params):
    """Settings of ``params`` with a value scikit-learn's MLPs do not offer."""
    activation = _single_activation(params["activation"])
    problems = []
    if activation is None:
        problems.append(
            f"activation={params['activation']!r} differs between hidden layers"
        )
    values = {**params, "activation": activation}
    for name, choices in _SKLEARN_CHOICES.items():
        if values.get(name) is not None and values[name] not in choices:
            problems.append(f"{name}={values[name]!r} is not one of {sorted(choices)}")
    return problems


def _extra_problems(estimator):
    """Our parameters that are away from the value scikit-learn trains with."""
    defaults = _EXTRA_PARAMETER_DEFAULTS
    return [
        f"{name}={value!r} (scikit-learn has no {name!r}; it trains as "
        f"{defaults[name]!r})"
        for name, value in _extra_parameters(estimator).items()
        if not _is_default(value, defaults[name])
    ]


def _check_expressible(estimator):
    """Raise ValueError naming every setting scikit-learn's MLPs cannot reproduce."""
    problems = _choice_problems(estimator.get_params(deep=False))
    problems += _extra_problems(estimator)
    if problems:
        raise ValueError(
            f"This {type(estimator).__name__} cannot be converted to a "
            f"scikit-learn MLP: {'; '.join(problems)}."
        )


def _history_from_sklearn(model):
    """Our per-epoch ``history_`` from what a stochastic scikit-learn MLP records.

    scikit-learn keeps each epoch's training loss and, with early stopping,
    its validation score; the learning rate, time and validation loss it does
    not keep are NaN, so that every key still holds one value per epoch.
    """
    unknown = [np.nan] * len(model.loss_curve_)
    history = {
        "loss": list(model.loss_curve_),
        "learning_rate": list(unknown),
        "seconds": list(unknown),
    }
    if model.validation_scores_ is not None:
        history["validation_loss"] = list(unknown)
        history["validation_score"] = list(model.validation_scores_)
    return history


def _set_history(estimator, model):
    """Give ``estimator`` the per-epoch record its warm starts extend.

    Only for stochastic solvers: scikit-learn's L-BFGS records no epochs.
    """
    if not hasattr(model, "loss_curve_"):
        return
    estimator.history_ = _history_from_sklearn(model)
    validated = model.validation_scores_ is not None
    estimator.validation_loss_curve_ = (
        list(estimator.history_["validation_loss"]) if validated else None
    )
    estimator.best_validation_loss_ = np.inf if validated else None
    estimator.best_epoch_ = estimator._best_epoch()


def _shared_params(params, target):
    """Deep copies of the entries of ``params`` that ``target`` also has."""
    target_names = target.get_params(deep=False)
    return {
        name: copy.deepcopy(params[name]) for name in params if name in target_names
    }


def _copy_fitted_state(source, target):
    """Set deep copies of ``source``'s fitted state on ``target``."""
    for name in _FITTED_STATE:
        if name in vars(source):
            setattr(target, name, copy.deepcopy(getattr(source, name)))


def to_sklearn(estimator):
    """The scikit-learn MLP equivalent to a fitted deep MLP.

    Returns a fitted :class:`~sklearn.neural_network.MLPClassifier` for a
    classifier, :class:`~sklearn.neural_network.MLPRegressor` for a
    regressor, with the estimator's values of every parameter scikit-learn
    has and deep copies of its fitted attributes, so that ``predict``,
    ``predict_proba`` and ``score`` give the same results.

    Parameters
    ----------
    estimator : DeepMLPClassifier or DeepMLPRegressor
        A fitted estimator whose configuration scikit-learn can express.

    Returns
    -------
    model : MLPClassifier or MLPRegressor
        The fitted scikit-learn model; it shares no array with ``estimator``.

    Raises
    ------
    ValueError
        If scikit-learn cannot express the configuration: an activation
        outside {'identity', 'logistic', 'tanh', 'relu'} or different
        activations per layer, a solver outside {'lbfgs', 'sgd', 'adam'}, a
        learning_rate outside {'constant', 'invscaling', 'adaptive'}, a loss
        outside {'squared_error', 'poisson'}, or any of our extra parameters
        (dropout, weight_init, class_weight, max_grad_norm, warmup_epochs,
        ...) away from its default. The message names every such setting.
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.

    See Also
    --------
    from_sklearn : The conversion the other way.

    Notes
    -----
    Only the weights matter for predictions, yet a setting scikit-learn
    lacks (dropout, say) is refused even where the weights would convert:
    the converted model, refitted or trained further, would not train as the
    original did.

    Training state: the optimizer's state (momentum velocities, Adam moments
    and step count, the adaptive learning rate) is not transferred, since
    each library's optimizer is its own kind of object. ``partial_fit`` and a
    ``warm_start`` fit of the converted model start a fresh scikit-learn
    optimizer from the copied weights, as scikit-learn itself does on every
    ``warm_start`` fit; they carry on from the copied progress (``t_``,
    ``loss_curve_``, ``best_loss_``, the no-improvement count and, with early
    stopping, ``validation_scores_`` and ``best_validation_score_``, the
    copied weights standing as the best so far). ``history_`` and our other
    extra attributes have no scikit-learn counterpart and are not copied.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skperceptron import DeepMLPClassifier
    >>> from skperceptron._convert import to_sklearn
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepMLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs",
    ...                         random_state=0).fit(X, y)
    >>> model = to_sklearn(clf)
    >>> type(model).__name__
    'MLPClassifier'
    >>> bool((model.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    _check_expressible(estimator)
    check_is_fitted(estimator)
    sklearn_class = MLPClassifier if is_classifier(estimator) else MLPRegressor
    params = estimator.get_params(deep=False)
    params["activation"] = _single_activation(params["activation"])
    model = sklearn_class(**_shared_params(params, sklearn_class()))
    _copy_fitted_state(estimator, model)
    # scikit-learn's early stopping falls back to these when no later epoch
    # improves; the copied weights are the best so far
    model._best_coefs = copy.deepcopy(model.coefs_)
    model._best_intercepts = copy.deepcopy(model.intercepts_)
    return model


def from_sklearn(estimator_class, model):
    """A fitted deep MLP equivalent to a fitted scikit-learn MLP.

    The estimator takes the model's parameters, with ours that scikit-learn
    lacks at their defaults, and deep copies of its fitted attributes, so
    that ``predict``, ``predict_proba`` and ``score`` give the same results.

    Parameters
    ----------
    estimator_class : type
        :class:`~skperceptron.DeepMLPClassifier` for an ``MLPClassifier``,
        :class:`~skperceptron.DeepMLPRegressor` for an ``MLPRegressor``.

    model : MLPClassifier or MLPRegressor
        A fitted scikit-learn model.

    Returns
    -------
    estimator : estimator_class instance
        Fitted, with the model's parameters (ours that scikit-learn lacks at
        their defaults) and deep copies of its fitted attributes, so that
        predictions are the same.

    Raises
    ------
    ValueError
        If ``model`` is not a scikit-learn MLP of the same kind (classifier
        or regressor) as ``estimator_class``.
    sklearn.exceptions.NotFittedError
        If ``model`` is not fitted.

    See Also
    --------
    to_sklearn : The conversion the other way.

    Notes
    -----
    As with :func:`to_sklearn`, the optimizer's state is not transferred:
    ``partial_fit`` or a ``warm_start`` fit starts a fresh optimizer from the
    copied weights and carries on from the copied progress counters.

    For a stochastic solver the estimator gets a ``history_`` rebuilt from
    scikit-learn's ``loss_curve_`` and ``validation_scores_``; what
    scikit-learn does not record (each epoch's learning rate, time and
    validation loss) is NaN, so every entry still has one value per epoch.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neural_network import MLPClassifier
    >>> from skperceptron import DeepMLPClassifier
    >>> from skperceptron._convert import from_sklearn
    >>> X, y = load_iris(return_X_y=True)
    >>> model = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs",
    ...                       random_state=0).fit(X, y)
    >>> clf = from_sklearn(DeepMLPClassifier, model)
    >>> bool((clf.predict(X) == model.predict(X)).all())
    True
    """
    estimator = estimator_class()
    if not isinstance(model, (MLPClassifier, MLPRegressor)) or (
        is_classifier(model) != is_classifier(estimator)
    ):
        raise ValueError(
            f"{estimator_class.__name__} can only be built from a fitted "
            f"{'MLPClassifier' if is_classifier(estimator) else 'MLPRegressor'}; "
            f"got {type(model).__name__}."
        )
    check_is_fitted(model)
    estimator.set_params(**_shared_params(model.get_params(deep=False), estimator))
    _copy_fitted_state(model, estimator)
    _set_history(estimator, model)
    return estimator
