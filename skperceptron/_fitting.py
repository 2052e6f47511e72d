"""Estimator-side glue around the core: data splits, solver set-up, outcomes.

Everything here knows about scikit-learn (its validation helpers, warnings and
splitters) so that the core does not have to.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import _check_sample_weight

from ._core import (
    OPTIMIZERS,
    make_schedule,
    run_lbfgs,
    run_minibatch,
)


class TrainingDivergedError(ValueError):
    """Raised when the loss becomes non-finite during ``fit``.

    The estimator keeps the last finite weights, so it stays usable.
    """


def validate_sample_weight(sample_weight, X):
    """Non-negative, finite weights of the right length, not all zero."""
    if sample_weight is None:
        return None
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    if not sample_weight.any():
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sample_weight


def resolve_batch_size(batch_size, n_samples, auto_size):
    """Resolve ``"auto"`` with ``auto_size(n_samples)``; clip larger sizes, warning."""
    if batch_size == "auto":
        return min(auto_size(n_samples), n_samples)
    if batch_size > n_samples:
        warnings.warn(
            f"Got batch_size={batch_size} larger than the {n_samples} training "
            "samples; it is clipped to the number of samples."
        )
    return int(np.clip(batch_size, 1, n_samples))


# solver -> the estimator parameters that are its hyper-parameters
_SOLVER_HYPER_PARAMETERS = {
    "sgd": ("momentum", "nesterovs_momentum"),
    "adam": ("beta_1", "beta_2", "epsilon"),
    "adamw": ("beta_1", "beta_2", "epsilon", "weight_decay"),
    "rmsprop": ("rho", "epsilon"),
}

# learning_rate values that only 'sgd' follows, as in scikit-learn
_SGD_ONLY_SCHEDULES = ("invscaling", "adaptive")


def make_mlp_optimizer(estimator, network):
    """The optimizer named by an MLP's ``solver``, with its hyper-parameters.

    Decoupled weight decay (adamw) acts on the weights only, not the biases.
    """
    hyper = {
        name: getattr(estimator, name)
        for name in _SOLVER_HYPER_PARAMETERS[estimator.solver]
    }
    if estimator.solver == "adamw":
        hyper["n_decayed"] = network.n_coefs
    return OPTIMIZERS[estimator.solver](network.params.size, network.dtype, **hyper)


def make_mlp_schedule(estimator):
    """An MLP's learning-rate schedule.

    scikit-learn's values keep its meaning ('invscaling' and 'adaptive' act on
    'sgd' only; other solvers run at a constant rate); 'cosine' and 'step'
    act on every stochastic solver, as does the warm-up.
    """
    name = estimator.learning_rate
    if name in _SGD_ONLY_SCHEDULES and estimator.solver != "sgd":
        name = "constant"
    return make_schedule(
        name,
        estimator.learning_rate_init,
        power_t=estimator.power_t,
        max_epochs=estimator.max_iter,
        learning_rate_min=estimator.learning_rate_min,
        step_epochs=estimator.step_decay_epochs,
        decay_factor=estimator.step_decay_factor,
        warmup_epochs=estimator.warmup_epochs,
    )


def class_weighted(sample_weight, class_weight, classes, y, dtype):
    """Sample weights times the weight of each sample's class.

    ``class_weight`` is None, a dict ``{class: weight}`` or ``"balanced"``
    (``n_samples / (n_classes * count(class))``), as in scikit-learn's linear
    models. Returns None when both are absent.
    """
    if class_weight is None:
        return sample_weight
    weight_of_class = compute_class_weight(class_weight, classes=classes, y=y)
    if np.any(weight_of_class < 0) or not np.all(np.isfinite(weight_of_class)):
        raise ValueError(
            "class_weight must hold finite, non-negative weights; "
            f"got {class_weight!r}."
        )
    per_sample = weight_of_class[np.searchsorted(classes, y)].astype(dtype)
    weighted = per_sample if sample_weight is None else sample_weight * per_sample
    if not weighted.any():
        raise ValueError("The sample and class weights are all zero.")
    return weighted


def split_validation(estimator, X, Y, sample_weight, rng, stratify):
    """Hold out ``estimator.validation_fraction`` of the data for early stopping.

    ``stratify`` says whether the split keeps the class proportions of ``Y``.
    """
    n_validation = int(np.ceil(estimator.validation_fraction * X.shape[0]))
    if n_validation < 2 or n_validation >= X.shape[0]:
        raise ValueError(
            f"The validation set is too small ({n_validation} of {X.shape[0]} "
            f"samples with validation_fraction={estimator.validation_fraction}). "
            "Increase 'validation_fraction' or the size of your dataset, or set "
            "early_stopping=False."
        )
    arrays = (X, Y) if sample_weight is None else (X, Y, sample_weight)
    parts = train_test_split(
        *arrays,
        random_state=rng,
        test_size=estimator.validation_fraction,
        stratify=Y if stratify else None,
    )
    X_train, X_val, Y_train, Y_val = parts[:4]
    w_train, w_val = parts[4:] if sample_weight is not None else (None, None)
    return (X_train, Y_train, w_train), (X_val, Y_val, w_val)


def fit_stochastic(
    estimator, network, X, Y, sample_weight, rng, incremental, validation_data=None
):
    """Mini-batch training of ``network`` with the estimator's settings.

    The estimator supplies its pieces through ``_make_optimizer``,
    ``_make_schedule``, ``_make_monitor``, ``_batches`` (a class of
    ``_core.batches``), ``_auto_batch_size``, ``_stratify_validation``,
    ``_decode_targets``, ``_output``, ``_score_output`` and ``_training_options``;
    optimizer and schedule persist between ``partial_fit`` calls.
    ``validation_data`` ``(X_val, Y_val, w_val)`` replaces the early-stopping
    split when given.
    """
    if estimator.early_stopping and incremental:
        raise ValueError("partial_fit does not support early_stopping=True")
    if not incremental or not hasattr(estimator, "_optimizer"):
        estimator._optimizer = estimator._make_optimizer(network)
        estimator._schedule = estimator._make_schedule()
    validation = None
    if estimator.early_stopping:
        if validation_data is None:
            stratify = estimator._stratify_validation(Y)
            (X, Y, sample_weight), validation_data = split_validation(
                estimator, X, Y, sample_weight, rng, stratify
            )
        validation = make_validation(estimator, network, *validation_data)
    batch_size = resolve_batch_size(
        estimator.batch_size, X.shape[0], estimator._auto_batch_size
    )
    monitor = estimator._make_monitor(network, one_batch=batch_size >= X.shape[0])
    batches = estimator._batches(
        X, Y, sample_weight, batch_size, rng if estimator.shuffle else None
    )
    result = run_minibatch(
        network,
        estimator._optimizer,
        estimator._schedule,
        monitor,
        batches,
        max_iter=1 if incremental else estimator.max_iter,
        validation=validation,
        n_samples_seen=estimator.t_,
        verbose=estimator.verbose,
        **estimator._training_options(network, rng, X, Y),
    )
    return result, monitor


def make_validation(estimator, network, X_val, Y_val, w_val):
    """A callable returning the validation score and data loss of the network.

    The loss is the data loss J without the penalty, weighted by ``w_val``.
    """
    y_val = estimator._decode_targets(Y_val)
    weights = None if w_val is None else w_val / w_val.sum()

    def validation_metrics():
        with np.errstate(all="ignore"):
            output = estimator._output(X_val)  # one forward pass serves both
            loss = float(network.loss.value(Y_val, output, weights))
        return {
            "validation_loss": loss,
            "validation_score": estimator._score_output(output, y_val, w_val),
        }

    return validation_metrics


def fit_lbfgs(estimator, network, X, Y, sample_weight):
    """Full-batch L-BFGS training of ``network``."""
    return run_lbfgs(
        network,
        X,
        Y,
        sample_weight,
        max_iter=estimator.max_iter,
        max_fun=estimator.max_fun,
        tol=estimator.tol,
        verbose=bool(estimator.verbose),
    )


def warn_if_interrupted(result):
    """Warn that Ctrl-C cut training short; return True when it did."""
    if result.interrupted:
        warnings.warn(
            "Training interrupted by user; the estimator keeps the weights of "
            f"the last completed epoch ({result.n_iter} in this call)."
        )
    return result.interrupted


def warn_if_not_converged(estimator, result, incremental):
    """Warn as scikit-learn's MLP does when the iteration budget ran out."""
    if warn_if_interrupted(result) or incremental or result.diverged:
        return
    if estimator.solver == "lbfgs" and not result.converged:
        warnings.warn(
            f"lbfgs failed to converge after {result.n_iter} iteration(s): "
            f"{result.message}. Increase max_iter (now {estimator.max_iter}) "
            "or max_fun, or scale the data (e.g. with StandardScaler).",
            ConvergenceWarning,
        )
    elif estimator.solver != "lbfgs" and result.n_iter == estimator.max_iter:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({estimator.max_iter}) "
            "reached and the optimization hasn't converged yet.",
            ConvergenceWarning,
        )


def warn_max_iter_reached(max_iter):
    """The perceptron's warning (scikit-learn SGD's) when the epochs ran out."""
    warnings.warn(
        "Maximum number of iteration reached before convergence. Consider "
        f"increasing max_iter (now {max_iter}) to improve the fit.",
        ConvergenceWarning,
    )


def raise_diverged(result, settings):
    """Stop a fit whose loss became non-finite, naming the ``settings`` to change."""
    raise TrainingDivergedError(
        f"Training diverged: {result.message} ({settings}). The estimator keeps "
        "the last weights with a finite loss. Lower the learning rate, increase "
        "the penalty, or scale the inputs (e.g. with StandardScaler)."
    )
