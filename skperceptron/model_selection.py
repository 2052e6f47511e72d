"""Hyper-parameter searches that train compatible candidates together.

:class:`GridSearchCV` and :class:`RandomizedSearchCV` are scikit-learn's
classes (same constructor, methods and fitted attributes) with a ``fit`` that
groups the candidates of skperceptron's deep estimators, alone or as the last
step of a ``Pipeline``, and trains each group as one stack of networks: one
mini-batch step updates every candidate. The scores equal those of
scikit-learn's searches over the same estimator; any other estimator is
fitted exactly as scikit-learn fits it.
"""

from sklearn import model_selection as _sklearn_model_selection

from ._search import StackedSearchMixin

_STACKING_NOTE = """
    Candidates of :class:`~skperceptron.DeepMLPClassifier` or
    :class:`~skperceptron.DeepMLPRegressor` (alone or as the last step of a
    ``Pipeline``) that use a stochastic solver and an int ``random_state``,
    and that differ only in parameters that change neither the network's
    shape nor its random draws (``learning_rate_init``, ``alpha``,
    ``momentum``, ``beta_1``, ``beta_2``, ``epsilon``, ``weight_decay``,
    ``rho``, ``power_t``, the schedule, ``tol``, ``n_iter_no_change``,
    ``max_iter``), are trained together on each split: their weights are
    stacked along a leading axis and one step updates them all. Each starts
    from the weights and sees the batches of its own fit and stops on its own,
    so its scores are those of scikit-learn's search. Groups are split so
    that their arrays stay within ``sklearn.get_config()["working_memory"]``
    and are dispatched through joblib with ``n_jobs``. Every other candidate
    (another estimator, 'lbfgs', dropout, callbacks, a ``random_state`` that
    is None or a ``RandomState``, fit parameters such as ``sample_weight``)
    is fitted on its own by scikit-learn's code.
"""


_SEARCH_PARAMETERS = """    scoring : str, callable, list, tuple or dict, default=None
        Strategy to evaluate the candidates on the test splits.
    n_jobs : int, default=None
        Number of jobs run in parallel (groups and single fits).
    refit : bool, str or callable, default=True
        Refit the best candidate on the whole data.
    cv : int, cross-validation generator or iterable, default=None
        The cross-validation splitting strategy.
    verbose : int, default=0
        Verbosity.
    pre_dispatch : int or str, default='2*n_jobs'
        Number of jobs dispatched ahead in parallel execution.
"""

_SCORE_PARAMETERS = """    error_score : 'raise' or numeric, default=np.nan
        Score of a candidate whose fit fails.
    return_train_score : bool, default=False
        Whether ``cv_results_`` holds training scores.
"""

_ATTRIBUTES = """    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        Scores, times and parameters of every candidate, as scikit-learn's.
    best_estimator_ : estimator
        The best candidate refitted on the whole data (with ``refit``).
    best_score_ : float
        Mean cross-validated score of the best candidate.
    best_params_ : dict
        Parameters of the best candidate.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    scorer_ : function or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best candidate.
    multimetric_ : bool
        Whether several scorers were used.

"""


def _docstring(summary, own_parameters, sampling_parameters, see_also, examples):
    """A search class's docstring: its own parts around the shared sections."""
    return "".join(
        [
            summary,
            _STACKING_NOTE,
            "\n    Parameters\n    ----------\n",
            own_parameters,
            _SEARCH_PARAMETERS,
            sampling_parameters,
            _SCORE_PARAMETERS,
            "\n",
            _ATTRIBUTES,
            see_also,
            examples,
        ]
    )


class GridSearchCV(StackedSearchMixin, _sklearn_model_selection.GridSearchCV):
    __doc__ = _docstring(
        "Exhaustive search over a parameter grid, training candidates together.\n\n"
        "A drop-in replacement for :class:`sklearn.model_selection.GridSearchCV`"
        " with the same parameters and attributes, documented there.\n",
        """    estimator : estimator object
        The estimator to tune.
    param_grid : dict or list of dict
        Parameter names mapped to the values to try.
""",
        "",
        """    See Also
    --------
    sklearn.model_selection.GridSearchCV : The scikit-learn original.
    RandomizedSearchCV : The same for sampled candidates.
""",
        """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skperceptron import DeepMLPClassifier
    >>> from skperceptron.model_selection import GridSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> model = DeepMLPClassifier((8,), max_iter=20, random_state=0)
    >>> grid = {"learning_rate_init": [0.01, 0.1], "alpha": [1e-4, 1e-2]}
    >>> search = GridSearchCV(model, grid, cv=3).fit(X, y)
    >>> sorted(search.best_params_)
    ['alpha', 'learning_rate_init']
    """,
    )


class RandomizedSearchCV(
    StackedSearchMixin, _sklearn_model_selection.RandomizedSearchCV
):
    __doc__ = _docstring(
        "Randomized search over parameters, training candidates together.\n\n"
        "A drop-in replacement for"
        " :class:`sklearn.model_selection.RandomizedSearchCV` with the same"
        " parameters and attributes, documented there.\n",
        """    estimator : estimator object
        The estimator to tune.
    param_distributions : dict or list of dict
        Parameter names mapped to distributions or lists of values.
    n_iter : int, default=10
        Number of candidates sampled.
""",
        """    random_state : int, RandomState instance or None, default=None
        Seed of the sampling of candidates.
""",
        """    See Also
    --------
    sklearn.model_selection.RandomizedSearchCV : The scikit-learn original.
    GridSearchCV : The same over a full grid.
""",
        """
    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from skperceptron import DeepMLPClassifier
    >>> from skperceptron.model_selection import RandomizedSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> model = DeepMLPClassifier((8,), max_iter=20, random_state=0)
    >>> space = {"learning_rate_init": loguniform(1e-3, 1e-1)}
    >>> search = RandomizedSearchCV(model, space, n_iter=4, cv=3,
    ...                             random_state=0).fit(X, y)
    >>> len(search.cv_results_["params"])
    4
    """,
    )


__all__ = ["GridSearchCV", "RandomizedSearchCV"]
