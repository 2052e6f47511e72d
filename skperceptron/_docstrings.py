"""Parameter and attribute paragraphs shared by several estimators' docstrings.

A docstring names a shared paragraph with a ``${name}`` placeholder
(``string.Template`` syntax, which cannot clash with numpydoc's ``{'a', 'b'}``)
and ``fill_doc`` substitutes it.
"""

from string import Template

MLP_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Number of units in each hidden layer: ``(64, 32)`` stacks two layers.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', \
            'elu', 'gelu', 'softplus', 'silu'} or list, default='relu'
        Non-linearity of the hidden units, one name for every hidden layer or
        a list with one per hidden layer: 'identity' ``z``, 'logistic'
        ``1 / (1 + exp(-z))``, 'tanh' ``tanh(z)``, 'relu' ``max(z, 0)`` (the
        four of scikit-learn), and the extras 'leaky_relu' ``max(z, 0.01 z)``,
        'elu' ``z`` if ``z > 0`` else ``exp(z) - 1``, 'gelu'
        ``z * Phi(z)`` (``Phi`` the standard normal CDF), 'softplus'
        ``log(1 + exp(z))`` and 'silu' (swish) ``z / (1 + exp(-z))``.

    solver : {'lbfgs', 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', \
            'adadelta'}, default='adam'
        How the loss J(w) is minimised: full-batch L-BFGS (quasi-Newton, good
        for small data), mini-batch gradient descent with momentum, Adam,
        AdamW (Adam with decoupled weight decay
        ``w <- w - learning_rate * weight_decay * w`` on the weights),
        RMSprop (``v <- rho v + (1 - rho) g^2``,
        ``w <- w - learning_rate * g / (sqrt(v) + epsilon)``), Adagrad
        (``s <- s + g^2``, ``w <- w - learning_rate * g / (sqrt(s) + epsilon)``)
        or Adadelta (``v`` as RMSprop's, ``d = sqrt(u + epsilon) /
        sqrt(v + epsilon) * g``, ``u <- rho u + (1 - rho) d^2``,
        ``w <- w - learning_rate * d``). Adadelta's original rule has no
        learning rate (it is 1); here ``learning_rate_init`` scales its step,
        so set it near 1.0 rather than the default 0.001, and raise
        ``epsilon`` (1e-6 is usual), which sets the size of its first steps.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``0.5 * alpha * ||W||^2``, divided by the
        (weighted) number of samples in each batch.

    batch_size : int or 'auto', default='auto'
        Samples per mini-batch of the stochastic solvers; ``'auto'`` means
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine', 'step'}, \
            default='constant'
        Learning-rate schedule. scikit-learn's three act with ``solver='sgd'``
        only (other solvers run at ``learning_rate_init``): constant,
        ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the samples
        seen, or divided by 5 each time training stops improving. The extras
        act on every stochastic solver: 'cosine' anneals epoch ``e`` of the
        ``E = max_iter - warmup_epochs`` epochs after warm-up to
        ``min + (init - min) (1 + cos(pi e / (E - 1))) / 2`` (the last epoch
        runs at ``learning_rate_min``), and 'step' multiplies
        the rate by ``step_decay_factor`` every ``step_decay_epochs`` epochs.

    learning_rate_init : float, default=0.001
        Initial step size of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs of the stochastic solvers (each sample is seen
        once per epoch), or of iterations for 'lbfgs'.

    shuffle : bool, default=True
        Whether to reshuffle the samples before each epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping
        split. Pass an int for reproducible results.

    tol : float, default=1e-4
        Minimum improvement of the loss (or of the validation score with
        ``early_stopping``) over ``n_iter_no_change`` epochs; below it training
        stops, or the 'adaptive' schedule lowers the learning rate. For
        'lbfgs', the gradient tolerance (scipy's ``gtol``).

    verbose : bool, default=False
        Whether to print progress messages.

    warm_start : bool, default=False
        Whether ``fit`` starts from the previous solution instead of a fresh
        initialisation.

    momentum : float, default=0.9
        Momentum of the 'sgd' updates, in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum (when ``momentum > 0``).

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training data (or
        use ``fit``'s ``X_val``, ``y_val``), stop when its score (or loss, see
        ``early_stopping_metric``) stops improving and keep the best weights
        (stochastic solvers).

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping, in [0, 1).

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Numerical-stability constant of Adam, AdamW, RMSprop and Adagrad;
        with Adadelta it also sets the size of the first steps.

    n_iter_no_change : int, default=10
        Number of epochs without ``tol`` improvement before stopping
        (stochastic solvers).

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dropout : float or list of float, default=0.0
        Inverted dropout: during training each hidden unit's output is zeroed
        with this probability and the kept ones are divided by
        ``1 - dropout``; prediction uses every unit. One rate for every hidden
        layer or a list with one per hidden layer, each in [0, 1). The masks
        are drawn from ``random_state``. Stochastic solvers only.

    weight_init : {'glorot_uniform', 'glorot_normal', 'he_uniform', \
            'he_normal', 'lecun_normal'}, default='glorot_uniform'
        Initial weights: 'glorot_uniform' is scikit-learn's (uniform with
        bound ``sqrt(6 / (fan_in + fan_out))``, ``sqrt(2 / ...)`` for
        'logistic'); 'glorot_normal' has variance ``2 / (fan_in + fan_out)``,
        'he_uniform' bound ``sqrt(6 / fan_in)``, 'he_normal' variance
        ``2 / fan_in`` (suited to the ReLU family) and 'lecun_normal' variance
        ``1 / fan_in``. The extras start the biases at zero.

    weight_decay : float, default=0.01
        Decoupled weight decay of ``solver='adamw'``.

    rho : float, default=0.9
        Decay rate of the running means of RMSprop (squared gradients) and
        Adadelta (squared gradients and squared steps), in [0, 1).

    learning_rate_min : float, default=0.0
        The rate 'cosine' anneals down to.

    step_decay_epochs : int, default=10
        Epochs between two decays of the 'step' schedule.

    step_decay_factor : float, default=0.1
        Factor, in (0, 1], the 'step' schedule multiplies the rate by.

    warmup_epochs : int, default=0
        Epochs during which the rate ramps up linearly to the schedule's
        before the schedule proper starts (stochastic solvers).

    max_grad_norm : float, default=None
        Clip each mini-batch gradient ``g`` to this global L2 norm:
        ``g <- g * min(1, max_grad_norm / ||g||)``. None: no clipping.

    early_stopping_metric : {'score', 'loss'}, default='score'
        What early stopping monitors on the validation data: the score
        (scikit-learn's behaviour) or the data loss (lower is better)."""

MLP_ATTRIBUTES = """\
loss_ : float
        Loss J(w) (data loss plus penalty) of the last epoch: the mean of the
        batch losses, each taken before its step (dropout on), or of the last
        L-BFGS iteration.

    best_loss_ : float or None
        Lowest training loss reached; None with early stopping. Defined only
        for the stochastic solvers.

    loss_curve_ : list of float
        Training loss of each epoch, as ``loss_``. It includes the penalty,
        where ``validation_loss_curve_`` is the data loss alone at the end of
        the epoch. A diverged epoch is recorded as nan. Defined only for the
        stochastic solvers.

    validation_scores_ : list of float or None
        Score on the held-out data after each epoch (nan for a diverged
        epoch) with ``early_stopping``, else None. Defined only for the
        stochastic solvers.

    best_validation_score_ : float or None
        Best of ``validation_scores_`` with ``early_stopping`` monitoring the
        score (``-inf`` when it monitors the loss), else None. Defined only
        for the stochastic solvers.

    validation_loss_curve_ : list of float or None
        Data loss on the validation data after each epoch with
        ``early_stopping``, else None. Defined only for the stochastic
        solvers.

    best_validation_loss_ : float or None
        Best of ``validation_loss_curve_`` with ``early_stopping`` monitoring
        the loss (``inf`` when it monitors the score), else None. Defined only
        for the stochastic solvers.

    history_ : dict of lists
        Per epoch of the stochastic solvers (over warm starts and partial
        fits): 'loss', 'learning_rate' (the rate the epoch used) and 'seconds';
        with early stopping also 'validation_loss' and 'validation_score'.
        Defined only for the stochastic solvers.

    best_epoch_ : int or None
        1-based epoch of the best monitored value (validation metric with
        early stopping, training loss otherwise); its weights are kept with
        early stopping, except that a ``warm_start`` fit in which no epoch
        beats the best so far keeps its last epoch's weights, as
        scikit-learn's does. Defined only for the stochastic solvers
        ('lbfgs' records no epochs).

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (n_units_in, n_units_out)
        Weight matrices, the i-th between layer i and layer i + 1.

    intercepts_ : list of ndarray of shape (n_units_out,)
        Bias vectors, the i-th added to layer i + 1.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has feature
        names that are all strings.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Name of the output link."""

SHARED = {"mlp_parameters": MLP_PARAMETERS, "mlp_attributes": MLP_ATTRIBUTES}


def fill_doc(obj):
    """Substitute the ``${name}`` placeholders of ``obj.__doc__`` from ``SHARED``."""
    obj.__doc__ = Template(obj.__doc__).substitute(SHARED)
    return obj
