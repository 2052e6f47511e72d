"""scikit-learn's estimator checks over every estimator configuration we ship."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skperceptron import DeepMLPClassifier, DeepMLPRegressor

SOLVERS = ("adam", "sgd", "lbfgs")

ESTIMATORS = [
    *(DeepMLPClassifier(max_iter=100, solver=solver) for solver in SOLVERS),
    *(DeepMLPRegressor(max_iter=100, solver=solver) for solver in SOLVERS),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
