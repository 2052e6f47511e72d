"""Random configurations fitted by scikit-learn and by us: the same outcome.

Each seed draws data (dense or sparse, integer or string labels, sample
weights, early stopping) and settings within the well-behaved range (no
learning rates that make training chaotic, none of our extras), fits
scikit-learn's estimator and ours the same way (``fit``, ``fit`` twice with a
warm start, or ``partial_fit`` over three chunks), and compares what a user
sees: errors, convergence warnings, fitted attributes and predictions.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

PAIRS = {
    "classifier": (MLPClassifier, DeepMLPClassifier),
    "regressor": (MLPRegressor, DeepMLPRegressor),
    "perceptron": (Perceptron, PerceptronClassifier),
}
# the fitted attributes scikit-learn sets, weights first
ATTRIBUTES = [
    *("coefs_", "intercepts_", "coef_", "intercept_", "classes_"),
    *("n_iter_", "t_", "loss_", "loss_curve_", "best_loss_"),
    *("validation_scores_", "best_validation_score_"),
]


def _data(rng, kind):
    n_samples = int(rng.choice([6, 20, 60]))
    X = rng.standard_normal((n_samples, int(rng.integers(1, 6))))
    if kind == "regressor":
        y = X @ rng.standard_normal(X.shape[1]) + 0.1 * rng.standard_normal(n_samples)
    else:
        n_classes = int(rng.choice([2, 3]))
        y = rng.integers(0, n_classes, n_samples)
        y[:n_classes] = np.arange(n_classes)  # every class present
        if rng.random() < 0.3:
            y = np.array(["ant", "bee", "cat"])[y]
    if rng.random() < 0.25:
        X[np.abs(X) < 0.7] = 0.0
        X = sp.csr_matrix(X)
    weights = rng.choice([0.5, 1.0, 2.0], n_samples) if rng.random() < 0.3 else None
    return X, y, weights


def _mlp_params(rng):
    return dict(
        hidden_layer_sizes=tuple(
            int(h) for h in rng.integers(1, 8, rng.integers(0, 3))
        ),
        solver=str(rng.choice(["sgd", "adam", "lbfgs"])),
        activation=str(rng.choice(["relu", "tanh", "logistic", "identity"])),
        alpha=float(rng.choice([0.0, 1e-4, 1e-2])),
        batch_size=["auto", 1, 8, 100][int(rng.integers(0, 4))],
        learning_rate=str(rng.choice(["constant", "invscaling", "adaptive"])),
        learning_rate_init=float(rng.choice([1e-3, 1e-2])),
        max_iter=int(rng.choice([1, 5, 15])),
        early_stopping=bool(rng.random() < 0.3),
        validation_fraction=0.25,
        n_iter_no_change=int(rng.choice([1, 3])),
        momentum=float(rng.choice([0.0, 0.9])),
        shuffle=bool(rng.random() < 0.8),
        random_state=int(rng.integers(0, 3)),
    )


def _perceptron_params(rng):
    return dict(
        penalty=[None, "l2", "l1", "elasticnet"][int(rng.integers(0, 4))],
        alpha=float(rng.choice([1e-4, 1e-2])),
        fit_intercept=bool(rng.random() < 0.8),
        max_iter=int(rng.choice([1, 5, 30])),
        tol=[1e-3, None][int(rng.integers(0, 2))],
        shuffle=bool(rng.random() < 0.8),
        eta0=float(rng.choice([1.0, 0.1])),
        early_stopping=bool(rng.random() < 0.3),
        validation_fraction=0.25,
        class_weight=[None, "balanced"][int(rng.integers(0, 2))],
        random_state=int(rng.integers(0, 3)),
    )


def _scenario(seed):
    rng = np.random.default_rng(seed)
    kind = list(PAIRS)[seed % 3]
    X, y, weights = _data(rng, kind)
    params = _perceptron_params(rng) if kind == "perceptron" else _mlp_params(rng)
    incremental = (
        params.get("solver") != "lbfgs"
        and not params["early_stopping"]
        and params.get("class_weight") != "balanced"
    )
    modes = ["fit", "warm start"] + (["partial_fit"] if incremental else [])
    return kind, X, y, weights, params, str(rng.choice(modes))


def _train(estimator, X, y, weights, mode):
    kwargs = {} if weights is None else {"sample_weight": weights}
    if mode == "partial_fit":
        chunks = np.array_split(np.arange(X.shape[0]), 3)
        is_regression = np.asarray(y).dtype.kind == "f"
        classes = {} if is_regression else {"classes": np.unique(y)}
        for rows in chunks:
            part = {k: v[rows] for k, v in kwargs.items()}
            estimator.partial_fit(X[rows], y[rows], **classes, **part)
        return estimator
    if mode == "warm start":
        estimator.set_params(warm_start=True).fit(X, y, **kwargs)
    return estimator.fit(X, y, **kwargs)


def _outcome(estimator, X, y, weights, mode):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _train(estimator, X, y, weights, mode)
        except ValueError as error:
            return {"error": str(error)}, set()
    converged = {issubclass(w.category, ConvergenceWarning) for w in caught}
    return estimator, converged


def _assert_same_values(mine, expected, name):
    if isinstance(expected, list):
        assert len(mine) == len(expected), name
        for a, b in zip(mine, expected):
            _assert_same_values(a, b, name)
    elif np.asarray(expected).dtype.kind in "fc":
        assert_allclose(mine, expected, rtol=1e-6, atol=1e-8, err_msg=name)
    else:
        assert_array_equal(mine, expected, err_msg=name)


@pytest.mark.parametrize("seed", range(150))
def test_a_random_configuration_ends_as_in_scikit_learn(seed):
    kind, X, y, weights, params, mode = _scenario(seed)
    theirs, ours = (cls(**params) for cls in PAIRS[kind])
    expected, their_warned = _outcome(theirs, X, y, weights, mode)
    fitted, our_warned = _outcome(ours, X, y, weights, mode)
    if isinstance(expected, dict):  # scikit-learn refused: so do we
        assert isinstance(fitted, dict), expected
        return
    assert not isinstance(fitted, dict), fitted
    assert our_warned == their_warned
    for name in ATTRIBUTES:
        if hasattr(expected, name):
            _assert_same_values(getattr(fitted, name), getattr(expected, name), name)
    _assert_same_values(fitted.predict(X), expected.predict(X), "predict")
