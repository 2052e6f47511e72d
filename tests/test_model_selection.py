"""Our searches give scikit-learn's searches' results, stacked or not."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from numpydoc.validate import validate
from scipy.stats import loguniform
from sklearn import config_context
from sklearn import model_selection as sk
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor
from skperceptron._search_groups import group_chunks, stack_key
from skperceptron.model_selection import GridSearchCV, RandomizedSearchCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=150, n_features=6, noise=5.0, random_state=0)
    return X, y / np.std(y)


def _classifier(**params):
    params = {"max_iter": 6, "random_state": 0, **params}
    return DeepMLPClassifier((8,), **params)


def assert_same_results(ours, theirs):
    """Equal keys, equal parameters and ranks, scores to rounding error."""
    assert sorted(ours.cv_results_) == sorted(theirs.cv_results_)
    for key, expected in theirs.cv_results_.items():
        if key.endswith("_time"):
            continue
        if key == "params" or key.startswith(("param_", "rank_")):
            assert_array_equal(ours.cv_results_[key], expected, err_msg=key)
        else:
            assert_allclose(ours.cv_results_[key], expected, rtol=1e-9, err_msg=key)
    if hasattr(theirs, "best_params_"):
        assert ours.best_params_ == theirs.best_params_
        assert ours.best_index_ == theirs.best_index_


def both_searches(estimator, grid, X, y, **options):
    options = {"cv": 3, **options}
    ours = GridSearchCV(estimator, grid, **options).fit(X, y)
    theirs = sk.GridSearchCV(estimator, grid, **options).fit(X, y)
    assert_same_results(ours, theirs)
    return ours


GRIDS = {
    "learning_rate": {"learning_rate_init": [1e-3, 1e-2, 1e-1]},
    "alpha": {"alpha": [1e-4, 1e-1, 10.0], "learning_rate_init": [1e-2]},
    "momentum": {"solver": ["sgd"], "momentum": [0.0, 0.5, 0.9]},
    "nesterov": {"solver": ["sgd"], "nesterovs_momentum": [True, False]},
    "betas": {"beta_1": [0.8, 0.9], "beta_2": [0.99, 0.999]},
    "batch_size": {"batch_size": [16, 64], "learning_rate_init": [1e-3, 1e-2]},
    "solver": {"solver": ["sgd", "adam", "rmsprop", "adamw", "lbfgs"]},
    "early_stopping": {
        "early_stopping": [True, False],
        "learning_rate_init": [1e-2, 1e-1],
        "n_iter_no_change": [1, 3],
    },
    "schedules": {
        "solver": ["sgd"],
        "learning_rate": ["constant", "invscaling", "adaptive"],
        "learning_rate_init": [0.05, 0.5],
    },
    "stopping": {"tol": [1e-4, 0.1], "max_iter": [3, 8], "n_iter_no_change": [1, 2]},
}


@pytest.mark.parametrize("grid", GRIDS.values(), ids=GRIDS.keys())
def test_classifier_grids_match_sklearn(digits, grid):
    both_searches(_classifier(), grid, *digits, return_train_score=True)


def test_regressor_grid_matches_sklearn(regression):
    model = DeepMLPRegressor(hidden_layer_sizes=(8,), max_iter=8, random_state=1)
    grid = {
        "learning_rate_init": [1e-3, 1e-2],
        "alpha": [1e-4, 1.0],
        "solver": ["sgd", "adam"],
        "early_stopping": [False, True],
    }
    both_searches(model, grid, *regression, return_train_score=True)


def test_pipeline_with_scaler_parameters_matches_sklearn(digits):
    model = make_pipeline(StandardScaler(), _classifier())
    grid = {
        "standardscaler__with_std": [True, False],
        "deepmlpclassifier__learning_rate_init": [1e-3, 1e-2],
        "deepmlpclassifier__alpha": [1e-4, 1e-2],
    }
    both_searches(model, grid, *digits)


def test_multimetric_scoring_and_refit_metric(digits):
    scoring = {"acc": "accuracy", "bal": "balanced_accuracy"}
    grid = {"learning_rate_init": [1e-3, 1e-2]}
    ours = both_searches(_classifier(), grid, *digits, scoring=scoring, refit="bal")
    assert ours.multimetric_
    assert (
        ours.best_estimator_.learning_rate_init
        == ours.best_params_["learning_rate_init"]
    )


def test_randomized_search_matches_sklearn(digits):
    space = {"learning_rate_init": loguniform(1e-4, 1e-1), "alpha": [1e-4, 1e-2]}
    options = dict(n_iter=4, cv=3, random_state=0)
    ours = RandomizedSearchCV(_classifier(), space, **options).fit(*digits)
    theirs = sk.RandomizedSearchCV(_classifier(), space, **options).fit(*digits)
    assert_same_results(ours, theirs)


def test_other_estimators_are_fitted_by_sklearn(digits):
    grid = {"C": [0.1, 1.0]}
    both_searches(LogisticRegression(max_iter=50), grid, *digits)


def test_error_score_of_a_failing_candidate(digits):
    grid = {"learning_rate_init": [1e-2], "validation_fraction": [0.1, 0.9999]}
    model = _classifier(early_stopping=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both_searches(model, grid, *digits, error_score=-1.0)


def test_diverging_candidate_gets_sklearn_outcome(regression):
    model = DeepMLPRegressor(
        hidden_layer_sizes=(8,), solver="sgd", max_iter=5, random_state=0
    )
    grid = {"learning_rate_init": [1e-3, 50.0], "momentum": [0.0, 0.9]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both_searches(model, grid, *regression, error_score=np.nan)


def test_two_jobs_match_one(digits):
    grid = {"learning_rate_init": [1e-3, 1e-2], "batch_size": [32, 64]}
    one = GridSearchCV(_classifier(), grid, cv=3, n_jobs=1).fit(*digits)
    two = GridSearchCV(_classifier(), grid, cv=3, n_jobs=2).fit(*digits)
    assert_same_results(two, one)


def test_tiny_working_memory_splits_groups_without_changing_results(digits):
    grid = {"learning_rate_init": [1e-3, 1e-2, 1e-1]}
    whole = GridSearchCV(_classifier(), grid, cv=3).fit(*digits)
    with config_context(working_memory=1e-3):
        chunked = GridSearchCV(_classifier(), grid, cv=3).fit(*digits)
    assert_same_results(chunked, whole)


@pytest.mark.parametrize(
    "params",
    [
        {"random_state": None},
        {"random_state": np.random.RandomState(0)},
        {"solver": "lbfgs"},
        {"dropout": 0.2},
        {"verbose": True},
    ],
)
def test_what_cannot_be_stacked_has_no_group(params):
    assert stack_key(_classifier(**params)) is None


def test_group_keys_ignore_stackable_parameters_only():
    base = stack_key(_classifier())
    assert stack_key(_classifier(learning_rate_init=0.5, alpha=3.0)) == base
    assert stack_key(_classifier(batch_size=17)) != base
    assert stack_key(make_pipeline(StandardScaler(), _classifier())) != base


def test_convergence_warnings_still_reach_the_user(digits):
    with pytest.warns(ConvergenceWarning):
        GridSearchCV(_classifier(max_iter=2), {"alpha": [1e-4]}, cv=2).fit(*digits)


def test_groups_are_cut_into_balanced_chunks(digits):
    X, _ = digits
    members = [(i, _classifier()) for i in range(27)]
    sizes = [len(chunk) for chunk in group_chunks(members, X)]
    assert sum(sizes) == 27 and max(sizes) - min(sizes) <= 1
    big = [(i, DeepMLPClassifier((512, 512), random_state=0)) for i in range(3)]
    assert [len(chunk) for chunk in group_chunks(big, X)] == [1, 1, 1]


@pytest.mark.parametrize("search", [GridSearchCV, RandomizedSearchCV])
def test_docstrings_pass_numpydoc(search):
    path = f"skperceptron.model_selection.{search.__name__}"
    assert validate(path)["errors"] == []
    method_errors = {code for code, _ in validate(f"{path}.fit")["errors"]}
    assert method_errors <= {"ES01", "SA01", "EX01", "RT02"}


def test_candidates_and_splits_train_as_one_stack(digits, stack_sizes):
    grid = {"learning_rate_init": [1e-3, 1e-2, 1e-1], "solver": ["lbfgs", "adam"]}
    both_searches(_classifier(), grid, *digits)
    assert stack_sizes == [9]  # three learning rates on three splits; lbfgs alone
