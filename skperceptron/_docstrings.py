"""Parameter and attribute paragraphs shared by several estimators' docstrings.

A docstring names a shared paragraph with a ``${name}`` placeholder
(``string.Template`` syntax, which cannot clash with numpydoc's ``{'a', 'b'}``)
and ``fill_doc`` substitutes it.
"""

from string import Template

MLP_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Number of units in each hidden layer: ``(64, 32)`` stacks two layers.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Non-linearity of the hidden units: ``f(z) = z``, ``1 / (1 + exp(-z))``,
        ``tanh(z)`` or ``max(z, 0)``.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        How the loss J(w) is minimised: full-batch L-BFGS (quasi-Newton, good
        for small data), mini-batch gradient descent with momentum, or Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``0.5 * alpha * ||W||^2``, divided by the
        (weighted) number of samples in each batch.

    batch_size : int or 'auto', default='auto'
        Samples per mini-batch for 'sgd' and 'adam'; ``'auto'`` means
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule, used with ``solver='sgd'`` only: constant,
        ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the samples seen,
        or divided by 5 each time training stops improving.

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs for 'sgd' and 'adam' (each sample is seen once
        per epoch), or of iterations for 'lbfgs'.

    shuffle : bool, default=True
        Whether to reshuffle the samples before each epoch ('sgd', 'adam').

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping
        split. Pass an int for reproducible results.

    tol : float, default=1e-4
        Minimum improvement of the loss (or of the validation score with
        ``early_stopping``) over ``n_iter_no_change`` epochs; below it training
        stops, or the 'adaptive' schedule lowers the learning rate.

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
        Whether to hold out ``validation_fraction`` of the training data, stop
        when its score stops improving and keep the best weights ('sgd',
        'adam').

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping, in [0, 1).

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Number of epochs without ``tol`` improvement before stopping ('sgd',
        'adam').

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'."""

MLP_ATTRIBUTES = """\
loss_ : float
        Loss J(w) (data loss plus penalty) after the last epoch or iteration.

    best_loss_ : float or None
        Lowest training loss reached ('sgd', 'adam'); None with early stopping.

    loss_curve_ : list of float
        Training loss after each epoch ('sgd', 'adam').

    validation_scores_ : list of float or None
        Score on the held-out data after each epoch, with ``early_stopping``.

    best_validation_score_ : float or None
        Best of ``validation_scores_``, with ``early_stopping``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (n_units_in, n_units_out)
        Weight matrices, the i-th between layer i and layer i + 1.

    intercepts_ : list of ndarray of shape (n_units_out,)
        Bias vectors, the i-th added to layer i + 1.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

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
