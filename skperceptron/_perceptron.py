"""PerceptronClassifier: the lecture's single neuron, drop-in for sklearn's Perceptron.

A network with no hidden layer: ``z = x . w + b`` through a non-linearity.
With ``activation="step"`` it learns by Rosenblatt's per-sample rule
(one-vs-rest over classes) exactly as scikit-learn's ``Perceptron`` does, run
by the core's ``perceptron_rule``; with ``activation="sigmoid"`` it is the
smooth neuron trained by mini-batch gradient descent on the log-loss, with
calibrated probabilities, on the same core network and loop as the deep
estimators (as is the step neuron with explicit mini-batches).
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, _fit_context
from sklearn.linear_model._base import LinearClassifierMixin, SparseCoefMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import softmax
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
)
from sklearn.utils.validation import validate_data

from ._core import (
    OPTIMIZERS,
    PENALTIES,
    SCHEDULES,
    BlockShuffledBatches,
    Network,
    NoImprovement,
    SampleShuffledBatches,
    TrainingRun,
    Validation,
)
from ._fitting import (
    class_weighted,
    raise_diverged,
    resolve_batch_size,
    split_validation,
    validate_sample_weight,
    warn_if_interrupted,
    warn_max_iter_reached,
)
from ._one_vs_rest import (
    class_seeds,
    fit_step_rule,
    raise_if_step_rule_diverged,
    run_in_parallel,
    summed_curves,
)
from ._perceptron_start import check_classes, check_stream_classes, starting_weights
from ._persistence import VersionedPickleMixin

# activation -> (loss for two classes, loss for more, target labels (neg, pos))
_LOSSES_BY_ACTIVATION = {
    "step": ("perceptron", "perceptron", (-1, 1)),
    "sigmoid": ("binary_log_loss", "log_loss", (0, 1)),
}


def _has_probabilities(estimator):
    if estimator.activation != "sigmoid":
        raise AttributeError(
            "predict_proba is only available with activation='sigmoid'; "
            f"activation={estimator.activation!r} gives hard decisions."
        )
    return True


class PerceptronClassifier(
    VersionedPickleMixin, SparseCoefMixin, LinearClassifierMixin, BaseEstimator
):
    """The perceptron: a weighted sum, a bias and a non-linearity.

    A drop-in replacement for :class:`sklearn.linear_model.Perceptron` (same
    parameters, defaults, methods and fitted attributes) built on
    skperceptron's NumPy core as a network with no hidden layer. Two
    parameters come on top: ``activation`` chooses between Rosenblatt's step
    neuron and the smooth sigmoid neuron, and ``batch_size`` can make the
    steps average over mini-batches of samples. With the defaults (up to
    20,000 rows) the step neuron gives scikit-learn's weights exactly.

    Parameters
    ----------
    penalty : {'l2', 'l1', 'elasticnet'}, default=None
        Regularisation added to the loss: ``0.5 * alpha * ||w||^2``,
        ``alpha * ||w||_1`` or their mix set by ``l1_ratio``.

    alpha : float, default=0.0001
        Strength of the penalty (unused when ``penalty=None``).

    l1_ratio : float, default=0.15
        Share of L1 in the elastic net, in [0, 1].

    fit_intercept : bool, default=True
        Whether to learn the bias ``b``; when False the data should be centred.

    max_iter : int, default=1000
        Maximum number of epochs of :meth:`fit` (:meth:`partial_fit` runs one).

    tol : float or None, default=1e-3
        Training stops once the epoch loss has not dropped by ``tol`` below
        its best for ``n_iter_no_change`` epochs in a row (with
        ``early_stopping``, once the validation accuracy has not risen by
        ``tol``). None runs all ``max_iter`` epochs.

    shuffle : bool, default=True
        Whether to reshuffle the training data before each epoch. The
        per-sample rule visits the samples in scikit-learn's order (a seeded
        permutation applied to the previous epoch's order). Mini-batches from
        10,000 rows on are shuffled once; each epoch then moves the batch
        boundaries by a random offset and takes the batches in a new random
        order, so that no epoch copies the data.

    verbose : int, default=0
        Print the loss after each epoch when positive.

    eta0 : float, default=1.0
        The learning rate, constant over training.

    n_jobs : int, default=None
        Number of threads solving the one-vs-rest problems of
        ``activation='step'`` with more than two classes (None means 1, -1
        all cores).

    random_state : int, RandomState instance or None, default=0
        Seeds the shuffling and the early-stopping split (for the per-sample
        rule, with scikit-learn's draws: one seed per class).

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the data (a stratified
        split) and stop when its accuracy stops improving. The per-sample rule
        keeps the last epoch's weights, as scikit-learn does; mini-batch
        training keeps the best epoch's.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping, in (0, 1).

    n_iter_no_change : int, default=5
        Number of epochs without improvement before stopping.

    class_weight : dict, 'balanced' or None, default=None
        Weight of each class, multiplying the sample weights: ``{label:
        weight}``, or ``'balanced'`` for ``n_samples / (n_classes *
        np.bincount(y))``. With more than two classes the per-sample rule
        weighs each class against the rest at weight 1, as scikit-learn does.

    warm_start : bool, default=False
        Whether :meth:`fit` starts from the previous solution.

    activation : {'step', 'sigmoid'}, default='step'
        The neuron's non-linearity. ``'step'`` is Rosenblatt's perceptron:
        predictions are the sign of ``z`` and learning follows the perceptron
        criterion ``max(0, -y z)``, one-vs-rest for several classes, as
        scikit-learn does. ``'sigmoid'`` is the lecture's smooth neuron:
        ``p = 1 / (1 + exp(-z))`` trained on the log-loss, with a softmax over
        the classes when there are more than two, so :meth:`predict_proba`
        rows sum to 1.

    batch_size : int or 'auto', default='auto'
        Samples per step. ``1`` is the classic per-sample rule, exactly
        scikit-learn's (see Notes). Larger sizes average the gradient over
        mini-batches, with sample weights scaled to mean 1. ``'auto'`` means
        ``1`` for the step neuron on up to 20,000 rows and otherwise about a
        thousand steps per epoch: ``n_samples // 1000`` clipped to [8, 256].
        On larger data the per-sample rule, one Python step per mistake, would
        take many times scikit-learn's time; mini-batches keep the step neuron
        as fast as scikit-learn's but learn differently.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels seen during fit.

    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights ``w``: one row for two classes, one per class otherwise.

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Biases ``b``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has feature
        names that are all strings.

    n_iter_ : int
        Number of epochs run by the last call.

    t_ : float
        Number of samples seen by the weight updates, plus one
        (``n_iter_ * n_samples + 1`` after one fit), as in scikit-learn.

    loss_curve_ : list of float
        Training loss after each epoch.

    See Also
    --------
    DeepMLPClassifier : Stack hidden layers on top of this neuron.
    sklearn.linear_model.Perceptron : The scikit-learn original.

    Notes
    -----
    The per-sample rule (``activation='step'``, ``batch_size=1`` or ``'auto'``
    up to 20,000 rows) is scikit-learn's. For each sample ``i`` in turn, of
    weight ``s_i`` (sample times class weight) and target ``y_i = +-1``, the
    weights shrink by the penalty's L2 part and a mistake adds the sample:

    .. math:: w \\leftarrow c\\, w + [y_i z_i \\le 0]\\, \\eta_0 s_i y_i x_i,
              \\qquad b \\leftarrow b + [y_i z_i \\le 0]\\, \\eta_0 s_i y_i,

    with ``c = max(0, 1 - (1 - l1_ratio) eta0 alpha)`` (``c = 1`` without a
    penalty; floored at 0, so a huge ``alpha`` zeroes the weights rather than
    flipping them). An L1 part then pulls each weight towards 0 by the
    cumulative truncated gradient (Tsuruoka et al., 2009). On sparse input the
    bias moves by 0.01 of that step, as in scikit-learn. Training stops after
    ``n_iter_no_change`` epochs whose mean loss plus penalty did not drop
    ``tol`` below the best. Since the weights only shrink between two
    mistakes, the margins up to the next mistake come from one vectorised
    product, so the rule costs one Python step per mistake, not per sample.

    Mini-batches (``batch_size`` above 1, or ``'auto'`` on more rows, and
    the sigmoid neuron) step along the loss gradient averaged over a batch:
    for the step neuron that adds ``eta0 * y * x`` for every sample on the
    wrong side of the boundary, averaged over the batch,

    .. math:: w \\leftarrow w + \\frac{\\eta_0}{|B|} \\sum_{i \\in B,\\,
              y_i z_i \\le 0} y_i x_i .

    On linearly separable data the perceptron convergence theorem guarantees
    that every training sample ends on the right side.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skperceptron import PerceptronClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = PerceptronClassifier().fit(X, y)
    >>> clf.coef_.shape
    (1, 30)
    >>> clf.score(X, y) > 0.95
    True
    >>> smooth = PerceptronClassifier(activation="sigmoid", eta0=0.1).fit(X, y)
    >>> smooth.predict_proba(X[:1]).round(3)
    array([[1., 0.]])
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({k for k in PENALTIES if k is not None}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "shuffle": ["boolean"],
        "verbose": ["verbose"],
        "eta0": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "warm_start": ["boolean"],
        "activation": [StrOptions(set(_LOSSES_BY_ACTIVATION))],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
    }

    def __init__(
        self,
        *,
        penalty=None,
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-3,
        shuffle=True,
        verbose=0,
        eta0=1.0,
        n_jobs=None,
        random_state=0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        class_weight=None,
        warm_start=False,
        activation="step",
        batch_size="auto",
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.activation = activation
        self.batch_size = batch_size

    # rows from which shuffling once beats gathering every batch
    _block_shuffle_from = 10_000
    # largest data set on which batch_size='auto' runs the exact per-sample rule
    _exact_rule_up_to = 20_000

    def _runs_exact_rule(self, n_samples):
        """Whether the step neuron learns sample by sample, as scikit-learn's."""
        if self.activation != "step":
            return False
        if self.batch_size == "auto":
            return n_samples <= self._exact_rule_up_to
        return self.batch_size == 1

    def _training_run(self, network, X, Y, sample_weight, rng, incremental, decode):
        """Describe one mini-batch run: plain SGD steps at the constant ``eta0``.

        On large data a neuron this small spends more time moving shuffled rows
        than computing, so the rows are shuffled once and each epoch moves the
        batch boundaries and their order instead. ``decode`` turns the
        network's outputs into labels for the validation accuracy.
        """
        validation = None
        if self.early_stopping:
            (X, Y, sample_weight), validation_data = split_validation(
                X, Y, sample_weight, rng, self.validation_fraction, stratify=Y
            )
            validation = _accuracy_validation(*validation_data, decode)
        batch_size = resolve_batch_size(
            self.batch_size, X.shape[0], int(np.clip(X.shape[0] // 1000, 8, 256))
        )
        large = X.shape[0] >= self._block_shuffle_from
        batches = BlockShuffledBatches if large else SampleShuffledBatches
        return TrainingRun(
            network=network,
            optimizer=OPTIMIZERS["sgd"](network.params.size, X.dtype, momentum=0.0),
            schedule=SCHEDULES["constant"](self.eta0),
            monitor=self._monitor(network, one_batch=batch_size >= X.shape[0]),
            batches=batches(
                X, Y, sample_weight, batch_size, rng if self.shuffle else None
            ),
            max_epochs=1 if incremental else self.max_iter,
            validation=validation,
            verbose=self.verbose,
        )

    def _monitor(self, network, one_batch):
        """Stop after ``n_iter_no_change`` epochs without progress (tol=None: never).

        A training-loss monitor ignores a first epoch that is one batch from
        all-zero weights: its perceptron criterion is a meaningless 0.
        """
        metric = "validation_score" if self.early_stopping else "loss"
        if self.tol is None:
            return NoImprovement(0.0, np.inf, metric=metric)
        untrained = one_batch and not network.params.any()
        # scikit-learn's SGD stops when the count reaches n_iter_no_change
        return NoImprovement(
            self.tol,
            self.n_iter_no_change - 1,
            metric=metric,
            skip_first=untrained and not self.early_stopping,
        )

    # -- fitting --------------------------------------------------------------------

    def _loss_name(self):
        binary_loss, multiclass_loss, _ = _LOSSES_BY_ACTIVATION[self.activation]
        return binary_loss if len(self.classes_) == 2 else multiclass_loss

    def _start(
        self, X, y, first_pass, incremental, coef_init=None, intercept_init=None
    ):
        """Set ``classes_``; return the weights ``(coef, intercept)`` to start from."""
        fresh = not incremental and not (self.warm_start and hasattr(self, "coef_"))
        self.classes_ = check_classes(
            y,
            getattr(self, "classes_", None),
            fresh=fresh,
            warm_start=self.warm_start and not incremental,
        )
        neg_label, pos_label = _LOSSES_BY_ACTIVATION[self.activation][2]
        self._label_binarizer = LabelBinarizer(neg_label=neg_label, pos_label=pos_label)
        self._label_binarizer.fit(self.classes_)
        n_outputs = 1 if len(self.classes_) == 2 else len(self.classes_)
        fitted = None if first_pass else (self.coef_, self.intercept_)
        return starting_weights(
            (n_outputs, X.shape[1]), X.dtype, fitted, coef_init, intercept_init
        )

    def _sample_weight(self, y, sample_weight, X):
        """Sample weights times class weights (None when both are absent)."""
        sample_weight = validate_sample_weight(sample_weight, X)
        return class_weighted(
            sample_weight, self.class_weight, self.classes_, y, X.dtype
        )

    def _mean_one_weights(self, y, sample_weight, X):
        """Sample times class weights scaled to mean 1, or None when there are none.

        Each batch's loss is the mean of weight x loss over its samples, so the
        full-data objective is the weighted mean loss whatever the batch size,
        and a heavy sample counts as much in a batch of one as in a large one.
        """
        sample_weight = self._sample_weight(y, sample_weight, X)
        if sample_weight is None:
            return None
        if not sample_weight.any():
            raise ValueError("The sample and class weights are all zero.")
        return sample_weight / sample_weight.mean()

    def _build_network(self, coef, intercept, dtype):
        """A one-layer network starting from ``coef`` (n_outputs, n_features)."""
        n_outputs, n_features = coef.shape
        alpha, l1_ratio = _shrink_capped_at_zero(
            self.penalty, self.alpha, self.l1_ratio, self.eta0
        )
        network = Network(
            [n_features, n_outputs],
            "identity",
            self._loss_name(),
            dtype,
            penalty=self.penalty,
            alpha=alpha,
            l1_ratio=l1_ratio,
            penalty_per_weight_sum=False,
            weights_per_batch=False,
            fit_intercept=self.fit_intercept,
        )
        network.set_weights([np.transpose(coef)], [intercept])
        return network

    def _fit(
        self,
        X,
        y,
        sample_weight,
        incremental,
        coef_init=None,
        intercept_init=None,
        classes=None,
    ):
        first_call = incremental and not hasattr(self, "classes_")  # of partial_fit
        first_pass = first_call or not (
            hasattr(self, "coef_") and (self.warm_start or incremental)
        )
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=(np.float64, np.float32),
            reset=first_pass,
        )
        check_classification_targets(y)
        if first_call:  # after the data checks, as in scikit-learn
            check_stream_classes(classes)
        if incremental:  # sets classes_ on the first call, checks them later
            _check_partial_fit_first_call(self, classes)
        coef, intercept = self._start(
            X, y, first_pass, incremental, coef_init, intercept_init
        )
        if first_pass:
            self.loss_curve_ = []
        if first_pass or not incremental:  # fit restarts the count, as scikit-learn
            self.t_ = 1.0
        if self._runs_exact_rule(X.shape[0]):
            self._fit_step_rule(X, y, sample_weight, coef, intercept, incremental)
        else:
            self._fit_minibatch(X, y, sample_weight, coef, intercept, incremental)
        return self

    def _fit_step_rule(self, X, y, sample_weight, coef, intercept, incremental):
        """Learn sample by sample, one problem per class, as scikit-learn does."""
        self._sample_weight(y, sample_weight, X)  # validates both weights
        results = fit_step_rule(
            X,
            y,
            validate_sample_weight(sample_weight, X),
            (coef, intercept),
            classes=self.classes_,
            params=self.get_params(),
            incremental=incremental,
        )
        weights = [(result.coef, result.intercept) for result in results]
        self._store_problems(weights, results, X.shape[0], X.dtype)
        raise_if_step_rule_diverged(results)
        self._warn_if_not_converged(incremental)

    def _fit_minibatch(self, X, y, sample_weight, coef, intercept, incremental):
        """Train by averaged mini-batch steps: one network, or one per class."""
        runs = self._minibatch_runs(X, y, sample_weight, coef, intercept, incremental)
        start_params = [run.network.params.copy() for run in runs]
        results = run_in_parallel(runs, self.n_jobs)
        for run, start, result in zip(runs, start_params, results):
            if result.diverged and not np.isfinite(run.network.params).all():
                run.network.params[...] = start
        weights = [(run.network.coefs[0].T, run.network.intercepts[0]) for run in runs]
        self._store_problems(weights, results, X.shape[0], X.dtype)
        for result in results:
            if result.diverged:
                raise_diverged(
                    result.message,
                    f"Lower eta0 (now {self.eta0!r}) or scale the inputs (e.g. with "
                    "StandardScaler).",
                )
        if not any(warn_if_interrupted(result) for result in results):
            self._warn_if_not_converged(incremental)

    def _minibatch_runs(self, X, y, sample_weight, coef, intercept, incremental):
        """One ``TrainingRun`` per problem, from the starting ``coef`` rows.

        The step neuron with more than two classes learns one class against
        the rest per problem, each with its own seed (scikit-learn's
        one-vs-rest); otherwise one network learns every class.
        """
        sample_weight = self._mean_one_weights(y, sample_weight, X)
        if self.activation == "sigmoid" or len(self.classes_) == 2:
            Y = self._label_binarizer.transform(y).astype(X.dtype)
            network = self._build_network(coef, intercept, X.dtype)
            rng = check_random_state(self.random_state)
            decode = self._label_binarizer.inverse_transform
            return [
                self._training_run(
                    network, X, Y, sample_weight, rng, incremental, decode
                )
            ]
        seeds = class_seeds(self.random_state, len(self.classes_))
        return [
            self._training_run(
                self._build_network(coef[[k]], intercept[[k]], X.dtype),
                X,
                np.where(y == label, 1.0, -1.0).astype(X.dtype)[:, np.newaxis],
                sample_weight,
                check_random_state(seed),
                incremental,
                _is_positive,
            )
            for k, (label, seed) in enumerate(zip(self.classes_, seeds))
        ]

    def _store_problems(self, weights, results, n_samples, dtype):
        """Fitted attributes from each problem's ``(coef, intercept)`` and result.

        ``t_`` counts every sample of the longest problem, held-out ones
        included, as scikit-learn's does. As there, the step neuron's binary
        intercept stays float64 whatever the dtype of ``X`` (and so do its
        decision scores).
        """
        coefs, intercepts = zip(*weights)
        self.coef_ = np.vstack(coefs).astype(dtype, copy=False)
        binary_step = len(intercepts) == 1 and self.activation == "step"
        intercept_dtype = np.float64 if binary_step else dtype
        self.intercept_ = np.hstack(intercepts).astype(intercept_dtype, copy=False)
        self.n_iter_ = max(result.n_iter for result in results)
        self.t_ += self.n_iter_ * n_samples
        self.loss_curve_.extend(summed_curves([r.loss_curve for r in results]))

    def _warn_if_not_converged(self, incremental):
        """scikit-learn SGD's warning when ``fit`` used every epoch it had."""
        if not incremental and self.tol is not None and self.n_iter_ == self.max_iter:
            warn_max_iter_reached(self.max_iter)

    # -- public API -------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit the perceptron by the per-sample rule or by mini-batch steps.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        coef_init : ndarray of shape (n_classes, n_features), default=None
            Starting weights (one row for two classes); zeros when None.
        intercept_init : ndarray of shape (n_classes,), default=None
            Starting biases (one value for two classes); zeros when None.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; zero drops a sample. The
            per-sample rule multiplies a sample's step by it, as scikit-learn
            does; mini-batches scale the weights to mean 1 first.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, False, coef_init, intercept_init)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the perceptron with one epoch over ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole stream; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : object
            The updated estimator.
        """
        # scikit-learn validates partial_fit's parameters on the first call
        # only; a set_params between calls would otherwise go unchecked
        self._validate_params()
        # raised on every call here, not only on the first as in scikit-learn
        if self.early_stopping:
            raise ValueError(_NO_EARLY_STOPPING_IN_PARTIAL_FIT)
        if self.class_weight == "balanced":
            raise ValueError(_NO_BALANCED_IN_PARTIAL_FIT)
        return self._fit(X, y, sample_weight, True, classes=classes)

    @available_if(_has_probabilities)
    def predict_proba(self, X):
        """Probability of each class (``activation='sigmoid'`` only).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns ordered as ``classes_``; each row sums
            to 1 (sigmoid for two classes, softmax for more).
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1 - positive, positive])
        return softmax(scores)

    @available_if(_has_probabilities)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``activation='sigmoid'`` only).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, columns ordered as ``classes_``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def _decision(self, X):
        """Raw scores ``X @ coef_.T + intercept_`` of already validated ``X``."""
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


# scikit-learn's words for partial_fit's refusals (its SGD tests match them)
_NO_EARLY_STOPPING_IN_PARTIAL_FIT = "early_stopping should be False with partial_fit"
_NO_BALANCED_IN_PARTIAL_FIT = (
    "class_weight 'balanced' is not supported for partial_fit. In order to use "
    "'balanced' weights, use compute_class_weight('balanced', classes=classes, "
    "y=y). In place of y you can use a large enough sample of the full training "
    "set target to properly estimate the class frequency distributions. Pass the "
    "resulting weights as the class_weight parameter."
)


def _shrink_capped_at_zero(penalty, alpha, l1_ratio, eta0):
    """``alpha`` and ``l1_ratio`` whose L2 shrink per step stops at zero.

    A step at rate ``eta0`` multiplies the weights by ``1 - eta0 * alpha_L2``
    (``alpha_L2 = alpha * (1 - l1_ratio)``); scikit-learn's per-sample rule
    caps that factor at 0, where plain gradient steps would flip the weights'
    sign and grow them without bound. Capping ``alpha_L2`` at ``1 / eta0``
    does the same for mini-batch steps; the L1 part is kept.
    """
    l2_share = {"l2": 1.0, "elasticnet": 1.0 - l1_ratio}.get(penalty, 0.0)
    if alpha * l2_share * eta0 <= 1.0:
        return alpha, l1_ratio
    alpha_l1, alpha_l2 = alpha * (1.0 - l2_share), 1.0 / eta0
    return alpha_l1 + alpha_l2, alpha_l1 / (alpha_l1 + alpha_l2)


def _accuracy_validation(X_val, Y_val, w_val, decode):
    """The held-out data, scored by the accuracy of the ``decode``-d outputs."""
    y_val = decode(Y_val)

    def accuracy(output, sample_weight):
        return float(np.average(decode(output) == y_val, weights=sample_weight))

    return Validation(X_val, Y_val, w_val, accuracy)


def _is_positive(Y):
    """Labels of a one-vs-rest problem's +-1 targets or scores: True where > 0."""
    return Y[:, 0] > 0
