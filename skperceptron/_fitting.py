"""Estimator-side helpers around the core: data splits, solver set-up, outcomes.

Plain functions of plain arguments (arrays, parameter dicts, training results),
shared by the estimators. They know scikit-learn (its validation helpers,
warnings and splitters) so that the core does not have to; none receives an
estimator.
"""

import contextlib
import functools
import os
import threading
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import _check_sample_weight
from threadpoolctl import ThreadpoolController  # installed with scikit-learn

from ._core import OPTIMIZERS, make_schedule

# scikit-learn's words for a fit that cannot go on; its own tests match them
NON_FINITE_WEIGHTS = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)


class TrainingDivergedError(ValueError):
    """Raised when a fit diverged before it completed one finite epoch.

    The message starts with scikit-learn's sentence for non-finite weights.
    The estimator keeps the weights the fit started from, so it stays usable.
    """


class DivergenceWarning(ConvergenceWarning):
    """Warned when an early-stopping fit diverged after finite epochs.

    Training stopped at once; the estimator keeps the weights of the best
    validation epoch, and the diverged epoch is recorded with a nan loss and
    a nan validation score.
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


def validation_given(X_val, y_val, sample_weight_val, early_stopping, solver):
    """Whether ``fit`` was given validation data, checking what goes with it.

    ``X_val`` and ``y_val`` come together, with early stopping and a
    stochastic solver; ``sample_weight_val`` only with them.
    """
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError("sample_weight_val is given without X_val and y_val.")
        return False
    if X_val is None or y_val is None:
        given, missing = ("X_val", "y_val") if y_val is None else ("y_val", "X_val")
        raise ValueError(f"{given} is provided, but {missing} was not provided.")
    if not early_stopping:
        raise ValueError(
            "X_val and y_val are passed to fit while early_stopping is False; "
            "set early_stopping=True to monitor them."
        )
    if solver == "lbfgs":
        raise ValueError("X_val and y_val need a stochastic solver, not 'lbfgs'.")
    return True


def resolve_batch_size(batch_size, n_samples, auto_size):
    """Resolve ``"auto"`` as ``auto_size``; clip sizes beyond ``n_samples``, warning."""
    if batch_size == "auto":
        return min(auto_size, n_samples)
    if batch_size > n_samples:
        warnings.warn(  # scikit-learn's sentence first: filters match on it
            "Got `batch_size` less than 1 or larger than sample size. It is going "
            f"to be clipped (batch_size={batch_size}, {n_samples} training samples)."
        )
    return int(np.clip(batch_size, 1, n_samples))


# solver -> the estimator parameters that are its hyper-parameters
_SOLVER_HYPER_PARAMETERS = {
    "sgd": ("momentum", "nesterovs_momentum"),
    "adam": ("beta_1", "beta_2", "epsilon"),
    "adamw": ("beta_1", "beta_2", "epsilon", "weight_decay"),
    "rmsprop": ("rho", "epsilon"),
    "adagrad": ("epsilon",),
    "adadelta": ("rho", "epsilon"),
}

# learning_rate values that only 'sgd' follows, as in scikit-learn
_SGD_ONLY_SCHEDULES = ("invscaling", "adaptive")


def make_mlp_optimizer(params, network):
    """The optimizer named by ``params["solver"]``, with its hyper-parameters.

    ``params`` are an MLP's parameters (``get_params()``). Decoupled weight
    decay (adamw) acts on the weights only, not the biases.
    """
    solver = params["solver"]
    hyper = {name: params[name] for name in _SOLVER_HYPER_PARAMETERS[solver]}
    if solver == "adamw":
        hyper["n_decayed"] = network.n_coefs
    return OPTIMIZERS[solver](network.params.size, network.dtype, **hyper)


def make_mlp_schedule(params):
    """An MLP's learning-rate schedule from its parameters (``get_params()``).

    scikit-learn's values keep its meaning ('invscaling' and 'adaptive' act on
    'sgd' only; other solvers run at a constant rate); 'cosine' and 'step'
    act on every stochastic solver, as does the warm-up.
    """
    name = params["learning_rate"]
    if name in _SGD_ONLY_SCHEDULES and params["solver"] != "sgd":
        name = "constant"
    return make_schedule(
        name,
        params["learning_rate_init"],
        power_t=params["power_t"],
        max_epochs=params["max_iter"],
        learning_rate_min=params["learning_rate_min"],
        step_epochs=params["step_decay_epochs"],
        decay_factor=params["step_decay_factor"],
        warmup_epochs=params["warmup_epochs"],
    )


# L-BFGS problems up to this many multiply-adds per forward pass (samples x
# weights) evaluate their loss with the BLAS on one thread: see
# ``lbfgs_blas_threads``
LBFGS_ONE_THREAD_MAX_SIZE = 20_000_000


@functools.cache
def _blas_libraries():
    """The BLAS libraries loaded in this process, found once (a scan takes ms)."""
    return [
        library
        for library in ThreadpoolController().lib_controllers
        if library.user_api == "blas"
    ]


def _not_numpys(libraries):
    """The libraries other than NumPy's own, told apart by where they live.

    One library alone is shared by NumPy and SciPy: none is returned.
    """
    if len(libraries) < 2:
        return []
    numpy_dir = os.path.dirname(np.__file__)  # wheels keep theirs beside it
    return [
        library
        for library in libraries
        if not os.path.realpath(library.filepath).startswith(numpy_dir)
    ]


# library -> [how many running fits hold it at one thread, its count before]
_ONE_THREAD_HOLDS = {}
_ONE_THREAD_LOCK = threading.Lock()


@contextlib.contextmanager
def _one_thread(libraries):
    """Run the block with ``libraries`` on one thread each, then restore them.

    One is the lowest limit, so a limit already set (by the user, or by
    joblib in a worker) is never raised. Fits running at once in threads
    share the hold: the first sets one thread and the last restores the
    count from before the first.
    """
    with _ONE_THREAD_LOCK:
        for library in libraries:
            hold = _ONE_THREAD_HOLDS.setdefault(library, [0, library.num_threads])
            hold[0] += 1
            library.set_num_threads(1)
    try:
        yield
    finally:
        with _ONE_THREAD_LOCK:
            for library in libraries:
                hold = _ONE_THREAD_HOLDS[library]
                hold[0] -= 1
                if hold[0] == 0:
                    library.set_num_threads(_ONE_THREAD_HOLDS.pop(library)[1])


def lbfgs_blas_threads(n_samples, layer_units):
    """The context a full-batch L-BFGS fit runs in, with fewer BLAS threads.

    NumPy's matrix products and SciPy's L-BFGS-B each call a BLAS, and pip's
    wheels ship one each, each with its own threads. Between evaluations
    L-BFGS-B's small vector operations wake SciPy's threads while NumPy's
    still spin, so the two pools fight over the cores: on two cores, whole
    fits ran 1.6 to 9 times slower than with the limits below. SciPy's BLAS
    therefore runs on one thread. Up to ``LBFGS_ONE_THREAD_MAX_SIZE`` multiply-adds per
    forward pass, NumPy's does too: the products are too small for waking
    another thread to pay. The BLAS may split a long sum (a weight gradient's
    product over the samples) between threads, so the last bits of a fit
    depend on the number of threads, with or without these limits.
    """
    n_weights = sum(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
    libraries = _blas_libraries()
    if n_samples * n_weights > LBFGS_ONE_THREAD_MAX_SIZE:
        libraries = _not_numpys(libraries)
    return _one_thread(libraries)


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


def split_validation(X, Y, sample_weight, rng, validation_fraction, stratify):
    """Hold out ``validation_fraction`` of the data for early stopping.

    ``stratify``, when not None, holds the labels whose proportions the
    split keeps.
    """
    arrays = (X, Y) if sample_weight is None else (X, Y, sample_weight)
    held_out = f"of {X.shape[0]} samples with validation_fraction={validation_fraction}"
    remedy = (
        "Increase 'validation_fraction' or the size of your dataset, or set "
        "early_stopping=False."
    )
    try:  # scikit-learn splits first: its stratification errors come first
        parts = train_test_split(
            *arrays,
            random_state=rng,
            test_size=validation_fraction,
            stratify=stratify,
        )
    except ValueError as error:
        raise ValueError(
            f"{error} (early stopping holds out a part {held_out}). {remedy}"
        ) from None
    X_train, X_val, Y_train, Y_val = parts[:4]
    if X_val.shape[0] < 2:  # scikit-learn's sentence first, then ours
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or "
            f"the size of your dataset. It holds {X_val.shape[0]} {held_out}; "
            "early_stopping=False needs no validation set."
        )
    w_train, w_val = parts[4:] if sample_weight is not None else (None, None)
    _check_split_weights(w_train, "training")
    _check_split_weights(w_val, "validation")
    return (X_train, Y_train, w_train), (X_val, Y_val, w_val)


def _check_split_weights(sample_weight, part):
    """Refuse a side of the early-stopping split whose weights are all zero."""
    if sample_weight is not None and not sample_weight.any():
        raise ValueError(
            f"The sample weights for {part} set are all zero, consider using a "
            "different random state."
        )


def warn_if_interrupted(result):
    """Warn that Ctrl-C cut training short; return True when it did."""
    if result.interrupted:
        warnings.warn(
            "Training interrupted by user; the estimator keeps the weights of "
            f"the last completed epoch ({result.n_iter} in this call)."
        )
    return result.interrupted


def warn_if_not_converged(solver, max_iter, result, incremental):
    """Warn as scikit-learn's MLP does when the iteration budget ran out.

    A ``partial_fit`` epoch never warns, but an L-BFGS run does, also when
    ``partial_fit`` started it.
    """
    if warn_if_interrupted(result) or result.diverged:
        return
    if solver == "lbfgs" and not result.converged:
        warnings.warn(
            f"lbfgs failed to converge after {result.n_iter} iteration(s): "
            f"{result.message}. Increase max_iter (now {max_iter}) "
            "or max_fun, or scale the data (e.g. with StandardScaler).",
            ConvergenceWarning,
        )
    # a partial_fit epoch, or one whose plateau stopped the run, ends
    # scikit-learn's loop before its check of the epoch count
    elif solver != "lbfgs" and not (incremental or result.converged):
        if result.n_iter == max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({max_iter}) "
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


def divergence_advice(solver, learning_rate_init):
    """What to change when an MLP's training diverges."""
    if solver == "lbfgs":  # L-BFGS has no learning rate to lower
        return "Scale the inputs (e.g. with StandardScaler) or increase alpha."
    return (
        f"Lower the learning rate (learning_rate_init={learning_rate_init!r} with "
        f"solver={solver!r}), increase alpha, or scale the inputs (e.g. with "
        "StandardScaler)."
    )


def raise_diverged(message, advice):
    """Stop a fit that diverged before its first finite epoch.

    ``message`` says what happened; ``advice`` names the settings to change.
    """
    raise TrainingDivergedError(
        f"{NON_FINITE_WEIGHTS} Training diverged: {message}. The estimator keeps "
        f"the weights this fit started from. {advice}"
    )


def warn_diverged(message, kept, advice):
    """Report a fit that diverged after finite epochs and kept the ``kept`` ones."""
    warnings.warn(
        f"Training diverged: {message}; the estimator keeps the weights of "
        f"{kept}. {advice}",
        DivergenceWarning,
    )
