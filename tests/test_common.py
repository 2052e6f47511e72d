"""scikit-learn's estimator checks over every estimator configuration we ship."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

SOLVERS = ("adam", "sgd", "lbfgs")

ESTIMATORS = [
    *(DeepMLPClassifier(max_iter=100, solver=solver) for solver in SOLVERS),
    *(DeepMLPRegressor(max_iter=100, solver=solver) for solver in SOLVERS),
    # the extras on top of scikit-learn's parameters
    DeepMLPClassifier(
        max_iter=100, dropout=0.2, activation="gelu", solver="adamw", max_grad_norm=5.0
    ),
    DeepMLPClassifier(
        max_iter=100,
        activation=["elu", "silu"],
        hidden_layer_sizes=(16, 8),
        solver="rmsprop",
        learning_rate="cosine",
        warmup_epochs=2,
        weight_init="he_normal",
    ),
    DeepMLPRegressor(
        max_iter=100,
        loss="huber",
        activation="leaky_relu",
        dropout=0.1,
        learning_rate="step",
        learning_rate_init=0.01,
        weight_init="glorot_normal",
    ),
    DeepMLPRegressor(
        max_iter=100,
        loss="absolute_error",
        activation="softplus",
        solver="adamw",
        early_stopping_metric="loss",
    ),
    DeepMLPClassifier(max_iter=100, solver="adagrad", learning_rate_init=0.01),
    # Adadelta in its own units: rate 1 (Zeiler's rule), epsilon as in PyTorch
    DeepMLPRegressor(
        max_iter=100, solver="adadelta", learning_rate_init=1.0, epsilon=1e-6
    ),
    PerceptronClassifier(max_iter=5),
    # eta0=1 suits the scale-free step rule; the log-loss neuron takes a smaller
    # step, or the checks' unscaled, very noisy blobs make it oscillate
    PerceptronClassifier(max_iter=5, activation="sigmoid", eta0=0.1),
]

MINI_BATCH_WEIGHTS = (
    "With several mini-batches per epoch, a sample of weight k takes one step "
    "where its k copies may fall in different batches; the same two checks are "
    "expected to fail for sklearn.linear_model.Perceptron."
)


DROPOUT_WEIGHTS = (
    "Dropout masks are drawn per row of each batch: a sample repeated k times "
    "gets k independent masks where its weight-k copy gets one, so the two "
    "fits differ by design (as in any dropout network)."
)


def expected_failed_checks(estimator):
    """Check name -> reason: only the two sklearn declares for its Perceptron.

    tests/test_perceptron.py shows that with one batch per epoch the weights
    are exactly equivalent to repetition.
    """
    if getattr(estimator, "dropout", 0.0):
        return {
            "check_sample_weight_equivalence_on_dense_data": DROPOUT_WEIGHTS,
            "check_sample_weight_equivalence_on_sparse_data": DROPOUT_WEIGHTS,
        }
    if isinstance(estimator, PerceptronClassifier):
        return {
            "check_sample_weight_equivalence_on_dense_data": MINI_BATCH_WEIGHTS,
            "check_sample_weight_equivalence_on_sparse_data": MINI_BATCH_WEIGHTS,
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
