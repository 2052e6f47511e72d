"""Deep multi-layer perceptrons: DeepMLPClassifier and DeepMLPRegressor.

Drop-in replacements for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``
(same parameters, defaults and fitted attributes) trained by skperceptron's
own NumPy backprop core.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._chunking import get_chunk_n_rows
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from . import _convert
from ._callbacks import CallbackSupportMixin, EpochCallbacks
from ._core import (
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    SCHEDULES,
    InvalidLayerSetting,
    Network,
    SampleShuffledBatches,
    TrainingRun,
    predict_output,
    run_lbfgs,
    run_minibatch,
)
from ._docstrings import fill_doc
from ._fitting import (
    class_weighted,
    divergence_advice,
    lbfgs_blas_threads,
    make_mlp_optimizer,
    make_mlp_schedule,
    raise_diverged,
    resolve_batch_size,
    validate_sample_weight,
    warn_diverged,
    warn_if_not_converged,
)
from ._held_out import HeldOutDataMixin
from ._persistence import VersionedPickleMixin
from ._training_record import TrainingRecordMixin


def _stochastic_solver(estimator):
    if estimator.solver not in OPTIMIZERS:
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers; "
            f"{estimator.solver!r} is not stochastic."
        )
    return True


# Inputs up to this many rows skip chunking, and may skip full validation.
_SMALL_INPUT_ROWS = 1000


def chunked_output(coefs, intercepts, activation, loss_name, X):
    """The fitted network's output for ``X``, in chunks that fit working memory.

    Chunks follow scikit-learn's ``working_memory`` setting; small inputs go
    through in one piece.
    """
    if X.shape[0] <= _SMALL_INPUT_ROWS:
        return predict_output(coefs, intercepts, activation, loss_name, X)
    widest = max(W.shape[1] for W in coefs)
    chunk_rows = get_chunk_n_rows(
        row_bytes=2 * widest * X.dtype.itemsize, max_n_rows=X.shape[0]
    )
    output = None  # allocated once the first chunk tells its dtype
    for rows in gen_batches(X.shape[0], chunk_rows):
        chunk = predict_output(coefs, intercepts, activation, loss_name, X[rows])
        if output is None:
            output = np.empty((X.shape[0], chunk.shape[1]), dtype=chunk.dtype)
        output[rows] = chunk
    return output


def _is_small_ready_array(estimator, X):
    """Whether ``X`` needs none of ``validate_data``'s conversions or checks.

    True for a small 2-D float ndarray of the fitted width, all finite, when
    the estimator was fitted without feature names: exactly the inputs that
    validation would return unchanged. A one-row predict then costs
    microseconds instead of the validation machinery's hundreds.
    """
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and 0 < X.shape[0] <= _SMALL_INPUT_ROWS
        and X.dtype in (np.float64, np.float32)
        and X.shape[1] == estimator.n_features_in_
        and not hasattr(estimator, "feature_names_in_")
        and bool(np.isfinite(X).all())
    )


class _BaseDeepMLP(
    TrainingRecordMixin,
    HeldOutDataMixin,
    VersionedPickleMixin,
    CallbackSupportMixin,
    BaseEstimator,
):
    """Parameters, fit skeleton and forward pass shared by both deep estimators."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS)), list, tuple],
        "solver": [StrOptions({"lbfgs"} | set(OPTIMIZERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions(set(SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        # extras on top of scikit-learn's parameters
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
        "weight_init": [StrOptions(set(INITIALIZERS))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "learning_rate_min": [Interval(Real, 0, None, closed="left")],
        "step_decay_epochs": [Interval(Integral, 1, None, closed="left")],
        "step_decay_factor": [Interval(Real, 0, 1, closed="right")],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping_metric": [StrOptions({"score", "loss"})],
    }

    # -- fitting -----------------------------------------------------------

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(not isinstance(s, Integral) or s <= 0 for s in sizes):
            raise InvalidParameterError(
                f"The 'hidden_layer_sizes' parameter of {type(self).__name__} must "
                f"hold positive integers (units per hidden layer). Got {sizes}."
            )
        return [int(s) for s in sizes]

    def _loss_params(self):
        return None

    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        incremental=False,
        validation_data=(None, None, None),
    ):
        if incremental:
            # scikit-learn validates partial_fit's parameters on the first call
            # only; a set_params between calls would otherwise crash deep inside
            self._validate_params()
        hidden_sizes = self._hidden_layer_sizes()
        first_pass = not hasattr(self, "coefs_") or not (self.warm_start or incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        sample_weight = self._sample_weight(sample_weight, X, Y, incremental)
        if incremental and self.early_stopping and self.solver != "lbfgs":
            # after the data checks, whose errors come first in scikit-learn
            raise ValueError("partial_fit does not support early_stopping=True")
        validation_data = self._validate_validation_data(Y, *validation_data)
        rng = check_random_state(self.random_state)
        if first_pass:
            network = self._first_network(X, Y, rng)
        else:
            layer_units = [X.shape[1], *hidden_sizes, Y.shape[1]]
            network = self._network(layer_units, X.dtype, first_pass=False)
        self.coefs_, self.intercepts_ = network.coefs, network.intercepts
        if self.solver == "lbfgs" and X.dtype != np.float64:
            network, X, sample_weight = self._in_float64(network, X, sample_weight)
        start_params = network.params.copy()  # put back if the fit diverges early
        result, monitor = self._train(
            network, X, Y, sample_weight, rng, incremental, validation_data
        )
        self._store_result(result, monitor)
        self._settle_outcome(network, result, start_params, X, incremental)
        return self

    def _in_float64(self, network, X, sample_weight):
        """The network, inputs and sample weights of an L-BFGS fit, in float64.

        scikit-learn's L-BFGS optimises float64 parameters whatever the dtype
        of ``X`` (starting from weights drawn in that dtype), so its weights
        and predictions come out in float64; so do ours. (The targets are
        float64 already: the regressor keeps them so for L-BFGS, and the
        classifier's are integers.)
        """
        network = self._network(network.layer_units, np.float64, first_pass=False)
        self.coefs_, self.intercepts_ = network.coefs, network.intercepts
        if sample_weight is not None:
            sample_weight = sample_weight.astype(np.float64)
        return network, X.astype(np.float64), sample_weight

    def _train(self, network, X, Y, sample_weight, rng, incremental, validation_data):
        """Train by L-BFGS or by mini-batches; return the result and the monitor."""
        if self.solver == "lbfgs":
            with lbfgs_blas_threads(X.shape[0], network.layer_units):
                result = run_lbfgs(
                    network,
                    X,
                    Y,
                    sample_weight,
                    max_iter=self.max_iter,
                    max_fun=self.max_fun,
                    tol=self.tol,
                    verbose=bool(self.verbose),
                )
            return result, None
        run = self._training_run(
            network, X, Y, sample_weight, rng, incremental, validation_data
        )
        return run_minibatch(run), run.monitor

    def _training_run(
        self, network, X, Y, sample_weight, rng, incremental, validation_data
    ):
        """Describe the mini-batch run: the one place the estimator sets it up.

        Optimizer and schedule persist on the estimator between partial_fit
        calls, as in scikit-learn. The random draws keep scikit-learn's order:
        the weights (already drawn), the early-stopping split, the shuffles.
        """
        params = self.get_params()
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = make_mlp_optimizer(params, network)
            self._schedule = make_mlp_schedule(params)
        (X, Y, sample_weight), validation = self._hold_out(
            X, Y, sample_weight, rng, validation_data
        )
        batch_size = resolve_batch_size(self.batch_size, X.shape[0], 200)
        return TrainingRun(
            network=network,
            optimizer=self._optimizer,
            schedule=self._schedule,
            monitor=self._monitor(network),
            batches=SampleShuffledBatches(
                X, Y, sample_weight, batch_size, rng if self.shuffle else None
            ),
            max_epochs=1 if incremental else self.max_iter,
            validation=validation,
            n_samples_seen=self.t_,
            max_grad_norm=self.max_grad_norm,
            dropout_rng=rng if network.has_dropout else None,
            observer=EpochCallbacks.for_estimator(self, X, Y),
            verbose=self.verbose,
        )

    def _settle_outcome(self, network, result, start_params, X, incremental):
        """Warn or raise as the fit ended; never keep non-finite training outputs.

        As scikit-learn's: an early-stopping fit that diverged after finite
        epochs keeps the best validation epoch's weights, records the diverged
        epoch as nan and warns; any other diverged fit (scikit-learn's would
        end with non-finite weights), or one whose weights give non-finite
        outputs on the training data, goes back to where it started and
        raises scikit-learn's ``ValueError``.
        """
        finite = network.is_finite_on(X)
        advice = divergence_advice(self.solver, self.learning_rate_init)
        best_kept = self.early_stopping and self.solver != "lbfgs"
        if result.diverged and finite and best_kept and result.n_iter > 0:
            self._record_diverged_epoch()
            warn_diverged(result.message, "the best validation epoch", advice)
            return
        if result.diverged or not finite:
            network.params[...] = start_params
            self.__dict__.pop("_optimizer", None)
            message = (
                result.message
                if result.diverged
                else "the network's outputs on the training data are not finite"
            )
            raise_diverged(message, advice)
        warn_if_not_converged(self.solver, self.max_iter, result, incremental)

    def _network(self, layer_units, dtype, first_pass):
        """The core network of this architecture, holding the fitted weights.

        On a first fit its weights are zeros, for ``_reset_fitted_state`` to
        draw; otherwise they are the fitted ones, of the same shapes.
        """
        try:
            network = Network(
                layer_units,
                self.activation,
                self._loss_name(),
                dtype,
                alpha=self.alpha,
                dropout=self.dropout,
                loss_params=self._loss_params(),
            )
        except InvalidLayerSetting as error:  # the core checks per-layer settings
            raise InvalidParameterError(str(error)) from error
        if network.has_dropout and self.solver == "lbfgs":
            raise ValueError(
                f"dropout needs a stochastic solver {sorted(OPTIMIZERS)}: "
                "L-BFGS assumes a deterministic loss."
            )
        if first_pass:
            return network
        fitted_units = [self.coefs_[0].shape[0]] + [W.shape[1] for W in self.coefs_]
        if fitted_units != layer_units:
            raise ValueError(
                f"The network shape {layer_units} does not match the fitted one "
                f"{fitted_units}: with warm_start or partial_fit, keep "
                "hidden_layer_sizes and the data's width and outputs unchanged."
            )
        network.set_weights(self.coefs_, self.intercepts_)
        return network

    def _first_network(self, X, Y, rng):
        """The network of a first fit on validated ``(X, Y)``, weights drawn.

        Sets ``out_activation_`` and resets the fitted state, as every fresh
        start does (``fit``, and the tools that train as a first fit would).
        """
        self.out_activation_ = self._output_activation(Y)
        layer_units = [X.shape[1], *self._hidden_layer_sizes(), Y.shape[1]]
        network = self._network(layer_units, X.dtype, first_pass=True)
        self._reset_fitted_state(network, rng)
        return network

    def _reset_fitted_state(self, network, rng):
        """Fresh fitted state and initial weights, as on a first call to fit."""
        network.initialize(rng, self.weight_init)
        self.n_iter_, self.t_ = 0, 0
        self.n_outputs_ = network.layer_units[-1]
        self.n_layers_ = len(network.layer_units)
        self._reset_training_record()

    def _sample_weight(self, sample_weight, X, Y, incremental):
        """Validated sample weights (class weights are the classifier's)."""
        return validate_sample_weight(sample_weight, X)

    def _loss_grad_lbfgs(self, packed_params, X, Y, sample_weight, *buffers):
        """J(w) and its flat gradient at ``packed_params``, as scikit-learn's MLP.

        ``packed_params`` holds every layer's weights, then every bias (the
        layout of ``coefs_`` and ``intercepts_`` raveled in turn). The trailing
        work buffers of scikit-learn's signature are accepted and unused.
        """
        layer_units = [self.coefs_[0].shape[0]] + [W.shape[1] for W in self.coefs_]
        network = self._network(layer_units, np.asarray(X).dtype, first_pass=False)
        network.params[...] = packed_params
        loss = network.loss_and_gradient(X, Y, sample_weight)
        return loss, network.grads.copy()

    # -- prediction ----------------------------------------------------------

    def _forward_pass_fast(self, X, check_input=True):
        """Network output for ``X``, computed in chunks that fit working memory."""
        if check_input and not _is_small_ready_array(self, X):
            X = validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32),
                reset=False,
            )
        return chunked_output(
            self.coefs_, self.intercepts_, self.activation, self._loss_name(), X
        )

    def _score_output(self, output, y, sample_weight=None):
        """The estimator's score of the network ``output`` against ``y``."""
        y_pred = self._decode_targets(output)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return self._score_function(y, y_pred, sample_weight=sample_weight)

    # -- public API ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None
    ):
        """Fit the network to data ``X`` and targets ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values (class labels for classification).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; zero drops a sample.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data for early stopping, used instead of holding out
            ``validation_fraction`` of ``X`` (needs ``early_stopping=True``
            and a stochastic solver), as in scikit-learn's
            HistGradientBoosting estimators.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight=sample_weight,
            incremental=False,
            validation_data=(X_val, y_val, sample_weight_val),
        )

    def to_sklearn(self):
        """The equivalent fitted scikit-learn MLP.

        Returns
        -------
        model : sklearn.neural_network.MLPClassifier or MLPRegressor
            Fitted, with this estimator's values of scikit-learn's parameters
            and deep copies of its fitted attributes: the same predictions.

        Raises
        ------
        ValueError
            If scikit-learn cannot express a setting: an activation, solver,
            learning_rate or loss it lacks, or one of our extra parameters
            away from its default. The message names each one.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from skperceptron import DeepMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> ours = DeepMLPClassifier((8,), max_iter=50, random_state=0).fit(X, y)
        >>> theirs = ours.to_sklearn()
        >>> type(theirs).__name__
        'MLPClassifier'
        >>> bool(np.array_equal(theirs.predict_proba(X), ours.predict_proba(X)))
        True
        """
        return _convert.to_sklearn(self)

    @classmethod
    def from_sklearn(cls, model):
        """A fitted estimator equivalent to a fitted scikit-learn MLP.

        Parameters
        ----------
        model : sklearn.neural_network.MLPClassifier or MLPRegressor
            A fitted model of the same kind (classifier or regressor).

        Returns
        -------
        estimator : object
            Fitted, with the model's parameters (ours at their defaults) and
            deep copies of its fitted attributes: the same predictions.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_diabetes
        >>> from sklearn.neural_network import MLPRegressor
        >>> from skperceptron import DeepMLPRegressor
        >>> X, y = load_diabetes(return_X_y=True)
        >>> theirs = MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
        >>> theirs = theirs.fit(X, y)
        >>> ours = DeepMLPRegressor.from_sklearn(theirs)
        >>> bool(np.array_equal(ours.predict(X), theirs.predict(X)))
        True
        """
        return _convert.from_sklearn(cls, model)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


@fill_doc
class DeepMLPClassifier(ClassifierMixin, _BaseDeepMLP):
    """Multi-layer perceptron classifier trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the same parameters, defaults and fitted attributes, trained by
    skperceptron's NumPy core. It minimises the log-loss of a softmax output
    (multiclass) or of independent sigmoid outputs (binary, multilabel).

    Parameters
    ----------
    ${mlp_parameters}

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplying the sample weights: a dict
        ``{class_label: weight}``, or 'balanced' for
        ``n_samples / (n_classes * np.bincount(y))``, as in scikit-learn's
        linear models. Not for multilabel targets.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels seen during fit.

    ${mlp_attributes}

    See Also
    --------
    DeepMLPRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : The scikit-learn original.

    Notes
    -----
    Each layer computes :math:`a^{(l)} = f(a^{(l-1)} W^{(l)} + b^{(l)})`; the
    loss is :math:`J(w) = -\\frac{1}{n}\\sum_i \\sum_k y_{ik} \\log p_{ik}
    + \\frac{\\alpha}{2n}\\lVert W \\rVert^2` and each solver step moves the
    weights against :math:`\\nabla J`.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skperceptron import DeepMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = DeepMLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                         alpha=1.0, random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> round(clf.score(X, y), 2)
    0.98
    """

    _parameter_constraints: dict = {
        **_BaseDeepMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        weight_init="glorot_uniform",
        weight_decay=0.01,
        rho=0.9,
        learning_rate_min=0.0,
        step_decay_epochs=10,
        step_decay_factor=0.1,
        warmup_epochs=0,
        max_grad_norm=None,
        early_stopping_metric="score",
        class_weight=None,
    ):
        self.class_weight = class_weight
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.weight_init = weight_init
        self.weight_decay = weight_decay
        self.rho = rho
        self.learning_rate_min = learning_rate_min
        self.step_decay_epochs = step_decay_epochs
        self.step_decay_factor = step_decay_factor
        self.warmup_epochs = warmup_epochs
        self.max_grad_norm = max_grad_norm
        self.early_stopping_metric = early_stopping_metric

    def _loss_name(self):
        return "log_loss" if self.out_activation_ == "softmax" else "binary_log_loss"

    def _output_activation(self, Y):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        return "softmax" if multiclass else "logistic"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or not (self.warm_start or incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            self._check_known_classes(unique_labels(y))
        return X, self._indicator(y)

    def _sample_weight(self, sample_weight, X, Y, incremental):
        """Sample weights times ``class_weight``, as in scikit-learn's linear models."""
        sample_weight = validate_sample_weight(sample_weight, X)
        if self.class_weight is None:
            return sample_weight
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            raise ValueError("class_weight is not supported for multilabel targets.")
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit: the "
                "class frequencies of one batch are not those of the data. Pass "
                "a dict, e.g. from sklearn.utils.compute_class_weight('balanced', "
                "classes=..., y=...)."
            )
        y = self._decode_targets(Y)
        return class_weighted(
            sample_weight, self.class_weight, self.classes_, y, X.dtype
        )

    def _validation_targets(self, y_val):
        y_val = check_array(y_val, ensure_2d=False, dtype=None, input_name="y_val")
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        if self._label_binarizer.y_type_ != "multilabel-indicator":
            unknown = np.setdiff1d(unique_labels(y_val), self.classes_)
            if len(unknown):
                raise ValueError(
                    f"y_val has classes not seen in y: {unknown}. The classes of "
                    f"y are {self.classes_}."
                )
        return self._indicator(y_val)

    def _indicator(self, y):
        """0/1 targets (n_samples, n_outputs) as uint8, one byte per entry.

        The losses only read them, and NumPy promotes uint8 to the float dtype
        of the outputs, so this saves the 8-byte integer matrix
        ``LabelBinarizer.transform`` builds and its float copy.
        """
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return np.asarray(y, dtype=np.uint8)
        if len(self.classes_) == 1:  # scikit-learn's target: all negative
            return np.zeros((len(y), 1), dtype=np.uint8)
        if len(self.classes_) == 2:
            return (y == self.classes_[-1]).astype(np.uint8)[:, np.newaxis]
        Y = np.zeros((len(y), len(self.classes_)), dtype=np.uint8)
        Y[np.arange(len(y)), np.searchsorted(self.classes_, y)] = 1
        return Y

    def _check_known_classes(self, classes):
        if self.warm_start and set(classes) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as "
                f"in the previous call to fit. Previously got {self.classes_}, "
                f"`y` has {classes}."
            )
        unknown = np.setdiff1d(classes, self.classes_)
        if len(unknown):
            raise ValueError(
                f"`y` has classes not in `self.classes_`: {unknown}. "
                f"`self.classes_` is {self.classes_}; pass every class to the "
                "first partial_fit call with `classes=`."
            )

    def _decode_targets(self, Y):
        """Labels from indicator rows or output probabilities (n_samples, n_outputs).

        The same rule as ``LabelBinarizer.inverse_transform``, without its
        per-call validation: threshold 0.5 for binary and multilabel outputs,
        the first largest output for multiclass.
        """
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return (Y > 0.5).astype(int)
        if len(self.classes_) == 1:  # one class seen: it is every prediction
            return np.repeat(self.classes_, Y.shape[0])
        if Y.shape[1] == 1:
            return self.classes_[(Y[:, 0] > 0.5).astype(int)]
        return self.classes_.take(Y.argmax(axis=1))

    _score_function = staticmethod(accuracy_score)

    def _predict(self, X, check_input=True):
        return self._decode_targets(self._forward_pass_fast(X, check_input=check_input))

    def predict(self, X):
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted classes (an indicator matrix for multilabel targets).
        """
        check_is_fitted(self)
        return self._predict(X)

    @available_if(_stochastic_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole stream; required on the first call and
            ignored afterwards. ``y`` need not contain them all.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict_proba(self, X):
        """Probability of each class for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns ordered as ``classes_``.
        """
        check_is_fitted(self)
        y_prob = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            return np.hstack([1 - y_prob, y_prob])
        return y_prob

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, columns ordered as ``classes_``.
        """
        y_prob = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(y_prob, out=y_prob)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@fill_doc
class DeepMLPRegressor(RegressorMixin, _BaseDeepMLP):
    """Multi-layer perceptron regressor trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    the same parameters, defaults and fitted attributes, trained by
    skperceptron's NumPy core. The output layer is linear (squared error,
    Huber, absolute error) or exponential (Poisson deviance).

    Parameters
    ----------
    loss : {'squared_error', 'poisson', 'huber', 'absolute_error'}, \
            default='squared_error'
        The data loss of a residual ``r``: half the squared error, half the
        Poisson deviance with a log link (for non-negative counts), Huber's
        ``r^2 / 2`` for ``|r| <= huber_delta`` and
        ``huber_delta (|r| - huber_delta / 2)`` beyond (robust to outliers),
        or the absolute error ``|r|``.

    ${mlp_parameters}

    huber_delta : float, default=1.0
        Residual size where the 'huber' loss turns from quadratic to linear.

    Attributes
    ----------
    ${mlp_attributes}

    See Also
    --------
    DeepMLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The scikit-learn original.

    Notes
    -----
    With several outputs the loss sums the per-output losses (the quantity the
    gradient descends), where scikit-learn reports their mean.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skperceptron import DeepMLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> reg = DeepMLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs",
    ...                        max_iter=1000, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    _parameter_constraints: dict = {
        **_BaseDeepMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson", "huber", "absolute_error"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        weight_init="glorot_uniform",
        weight_decay=0.01,
        rho=0.9,
        learning_rate_min=0.0,
        step_decay_epochs=10,
        step_decay_factor=0.1,
        warmup_epochs=0,
        max_grad_norm=None,
        early_stopping_metric="score",
        huber_delta=1.0,
    ):
        self.loss = loss
        self.huber_delta = huber_delta
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.weight_init = weight_init
        self.weight_decay = weight_decay
        self.rho = rho
        self.learning_rate_min = learning_rate_min
        self.step_decay_epochs = step_decay_epochs
        self.step_decay_factor = step_decay_factor
        self.warmup_epochs = warmup_epochs
        self.max_grad_norm = max_grad_norm
        self.early_stopping_metric = early_stopping_metric

    def _loss_name(self):
        return self.loss

    def _loss_params(self):
        return {"delta": self.huber_delta} if self.loss == "huber" else None

    def _output_activation(self, Y):
        return LOSSES[self.loss].link_name

    def _validation_targets(self, y_val):
        y_val = check_array(
            y_val, ensure_2d=False, dtype=(np.float64, np.float32), input_name="y_val"
        )
        return y_val.reshape(-1, 1) if y_val.ndim == 1 else y_val

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative targets y.")
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        # L-BFGS runs in float64 (see _in_float64), on scikit-learn's unrounded y
        Y_dtype = np.float64 if self.solver == "lbfgs" else X.dtype
        return X, Y.astype(Y_dtype, copy=False)

    def _decode_targets(self, Y):
        return Y.ravel() if Y.shape[1] == 1 else Y

    _score_function = staticmethod(r2_score)

    def _predict(self, X, check_input=True):
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def predict(self, X):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values.
        """
        check_is_fitted(self)
        return self._predict(X)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over ``(X, y)``.

        With ``solver="lbfgs"``, as scikit-learn's ``MLPRegressor`` allows,
        each call instead runs L-BFGS from the current weights for up to
        ``max_iter`` iterations (``early_stopping`` does not apply).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
