"""The fit of a hyper-parameter search whose compatible candidates train together.

It follows scikit-learn's ``BaseSearchCV.fit`` step by step (scorers, routed
parameters, splits, ``_run_search``, ``_format_results``, best index, refit)
and differs in one place: the candidate-split pairs are planned into tasks.
Pairs whose estimators can be stacked (see ``_search_groups.stack_key``) form
one task that trains them together, across splits; every other pair is one
call of scikit-learn's own ``_fit_and_score``. The tasks go through
joblib, so ``n_jobs`` and joblib backends spread them.
"""

import time
from collections import defaultdict
from functools import partial

from sklearn.base import clone, is_classifier
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.model_selection import check_cv
from sklearn.model_selection._validation import (
    _fit_and_score,
    _insert_error_scores,
    _warn_or_raise_about_fit_failures,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params, indexable

from ._search_groups import fit_and_score_group, group_chunks, stack_key


class StackedSearchMixin:
    """``fit`` for scikit-learn's search classes that stacks compatible candidates.

    Mixed in before ``GridSearchCV`` or ``RandomizedSearchCV``; everything
    else (``predict``, ``score``, ``cv_results_`` layout...) is theirs.
    """

    def fit(self, X, y=None, **params):
        """Run fit with all sets of parameters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Targets.
        **params : dict of str -> object
            Parameters of the estimator's ``fit``, the scorer and the CV
            splitter, routed as scikit-learn's search routes them.

        Returns
        -------
        self : object
            The fitted search.
        """
        self._validate_params()
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed_params = self._get_routed_params_for_fit(params)
        metadata = _callback_metadata(params)
        root_ctx = self._init_callback_context(
            max_subtasks=1 + (self.refit is not False)
        ).call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        self._checked_cv_orig = check_cv(
            self.cv, y, classifier=is_classifier(self.estimator)
        )
        self._check_input_parameters(
            X=X, y=y, split_params=routed_params.splitter.split
        )
        self.n_splits_ = self._checked_cv_orig.get_n_splits(
            X, y, **routed_params.splitter.split
        )
        base_estimator = clone(self.estimator)
        evaluator = _CandidateEvaluator(
            self, base_estimator, X, y, scorers, routed_params
        )
        with evaluator.parallel:
            self._run_search(evaluator.evaluate, callback_ctx=root_ctx)
        self._set_best(evaluator, refit_metric)
        if self.refit:
            self._refit_best(base_estimator, X, y, routed_params, root_ctx, metadata)
        self.scorer_ = (
            scorers._scorers if isinstance(scorers, _MultimetricScorer) else scorers
        )
        self.cv_results_ = evaluator.results
        root_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        return self

    def _set_best(self, evaluator, refit_metric):
        """``multimetric_``, ``best_index_``, ``best_score_`` and ``best_params_``."""
        first_test_score = evaluator.all_out[0]["test_scores"]
        self.multimetric_ = isinstance(first_test_score, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first_test_score)
            refit_metric = self.refit
        if not (self.refit or not self.multimetric_):
            return
        results = evaluator.results
        self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
        if not callable(self.refit):
            self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
        self.best_params_ = results["params"][self.best_index_]

    def _refit_best(self, base_estimator, X, y, routed_params, root_ctx, metadata):
        """Fit ``best_estimator_`` on the whole data, timing it in ``refit_time_``."""
        self.best_estimator_ = clone(base_estimator).set_params(
            **clone(self.best_params_, safe=False)
        )
        refit_ctx = root_ctx.subcontext(task_name="refit-with-best-params")
        fit_params = routed_params.estimator.fit
        with refit_ctx.propagate_callback_context(self.best_estimator_):
            refit_ctx.call_on_fit_task_begin(
                estimator=self, X=X, y=y, metadata=metadata
            )
            start = time.time()
            if y is None:
                self.best_estimator_.fit(X, **fit_params)
            else:
                self.best_estimator_.fit(X, y, **fit_params)
            self.refit_time_ = time.time() - start
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_
        refit_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)


def _callback_metadata(params):
    sample_weight = params.get("sample_weight")
    return None if sample_weight is None else {"sample_weight": sample_weight}


class _CandidateEvaluator:
    """The ``evaluate_candidates`` callable a search hands to ``_run_search``.

    It accumulates every call's candidates and fit outcomes and keeps the
    formatted ``results`` of all of them, as scikit-learn's closure does.
    """

    def __init__(self, search, base_estimator, X, y, scorers, routed_params):
        self.search, self.base_estimator = search, base_estimator
        self.X, self.y, self.routed_params = X, y, routed_params
        self.parallel = Parallel(n_jobs=search.n_jobs, pre_dispatch=search.pre_dispatch)
        self.fit_kwargs = dict(
            scorer=scorers,
            fit_params=routed_params.estimator.fit,
            score_params=routed_params.scorer.score,
            return_train_score=search.return_train_score,
            return_n_test_samples=True,
            return_times=True,
            return_parameters=False,
            error_score=search.error_score,
            verbose=search.verbose,
        )
        self.all_candidate_params, self.all_out = [], []
        self.all_more_results = defaultdict(list)
        self.results = {}

    def evaluate(self, candidate_params, cv=None, more_results=None, callback_ctx=None):
        """Fit and score every candidate on every split; return all results so far."""
        search = self.search
        candidate_params = list(candidate_params)
        splits = self._splits(cv or search._checked_cv_orig)
        if search.verbose > 0:
            n_fits = len(candidate_params) * len(splits)
            print(
                f"Fitting {len(splits)} folds for each of {len(candidate_params)} "
                f"candidates, totalling {n_fits} fits"
            )
        out = self._fit_all(candidate_params, splits, callback_ctx)
        if not out:
            raise ValueError(
                "No fits were performed. Was the CV iterator empty? "
                "Were there no candidates?"
            )
        _warn_or_raise_about_fit_failures(out, search.error_score)
        if callable(search.scoring):
            _insert_error_scores(out, search.error_score)
        self.all_candidate_params.extend(candidate_params)
        self.all_out.extend(out)
        for key, value in (more_results or {}).items():
            self.all_more_results[key].extend(value)
        self.results = search._format_results(
            self.all_candidate_params,
            search.n_splits_,
            self.all_out,
            self.all_more_results,
        )
        return self.results

    def _splits(self, cv):
        splits = list(cv.split(self.X, self.y, **self.routed_params.splitter.split))
        if len(splits) != self.search.n_splits_:
            raise ValueError(
                "cv.split and cv.get_n_splits return inconsistent results. "
                f"Expected {self.search.n_splits_} splits, got {len(splits)}"
            )
        return splits

    def _fit_all(self, candidate_params, splits, callback_ctx):
        """Outcome dicts of every candidate-split pair, candidate-major."""
        pairs = [
            (cand_idx, params, split_idx, split)
            for cand_idx, params in enumerate(candidate_params)
            for split_idx, split in enumerate(splits)
        ]
        contexts = self._contexts(callback_ctx, len(pairs))
        tasks = self._plan(pairs, len(candidate_params), len(splits), contexts)
        outcomes = self.parallel(tasks)
        out = [None] * len(pairs)
        for positions, results in outcomes:
            for position, result in zip(positions, results):
                out[position] = result
        return out

    @staticmethod
    def _contexts(callback_ctx, n_pairs):
        """One callback sub-context per pair, created before any dispatch."""
        if callback_ctx is None:
            return [None] * n_pairs
        return [
            callback_ctx.subcontext(
                task_name="candidate-split-evaluation", task_id=task_id
            )
            for task_id in range(n_pairs)
        ]

    def _plan(self, pairs, n_candidates, n_splits, contexts):
        """Delayed calls, each returning ``(positions, outcome dicts)``.

        Stackable pairs with one group key are trained together, in chunks
        that fit working memory; the others are fitted one by one.
        """
        groups, tasks = defaultdict(list), []
        stacking = self._stacking_allowed()
        for position, (_, params, _, _) in enumerate(pairs):
            estimator = clone(self.base_estimator).set_params(
                **clone(params, safe=False)
            )
            key = stack_key(estimator) if stacking else None
            if key is None:
                tasks.append(
                    self._single_task(position, pairs, n_candidates, n_splits, contexts)
                )
            else:
                groups[key].append((position, estimator))
        for members in groups.values():
            for chunk in group_chunks(members, self.X):
                tasks.append(self._group_task(chunk, pairs))
        return tasks

    def _stacking_allowed(self):
        """No stacking with fit parameters or the search's own callbacks."""
        return not self.routed_params.estimator.fit and not getattr(
            self.search, "_skl_callbacks", None
        )

    def _single_task(self, position, pairs, n_candidates, n_splits, contexts):
        cand_idx, params, split_idx, (train, test) = pairs[position]
        return delayed(_one_pair)(
            position,
            clone(self.base_estimator),
            self.X,
            self.y,
            train=train,
            test=test,
            parameters=params,
            split_progress=(split_idx, n_splits),
            candidate_progress=(cand_idx, n_candidates),
            **self.fit_kwargs,
            caller=self.search,
            callback_ctx=contexts[position],
        )

    def _group_task(self, chunk, pairs):
        positions = [position for position, _ in chunk]
        split_ids = [pairs[position][2] for position in positions]
        splits = {pairs[position][2]: pairs[position][3] for position in positions}
        fallbacks = [
            partial(
                _fit_and_score,
                clone(self.base_estimator),
                self.X,
                self.y,
                train=pairs[position][3][0],
                test=pairs[position][3][1],
                parameters=pairs[position][1],
                **self.fit_kwargs,
            )
            for position in positions
        ]
        return delayed(_group)(
            positions,
            [estimator for _, estimator in chunk],
            split_ids,
            splits,
            self.X,
            self.y,
            fallbacks,
            scorer=self.fit_kwargs["scorer"],
            score_params=self.fit_kwargs["score_params"],
            return_train_score=self.fit_kwargs["return_train_score"],
            error_score=self.fit_kwargs["error_score"],
        )


def _one_pair(position, *args, **kwargs):
    """scikit-learn's ``_fit_and_score`` for one pair, tagged with its position."""
    return [position], [_fit_and_score(*args, **kwargs)]


def _group(positions, estimators, split_ids, splits, X, y, fallbacks, **score_kwargs):
    """Fit and score a group together; members it could not train, one by one.

    ``fallbacks`` holds, per member, the ``_fit_and_score`` call that gives
    exactly scikit-learn's outcome, errors included.
    """
    results = fit_and_score_group(estimators, split_ids, splits, X, y, **score_kwargs)
    results = [
        fallback() if result is None else result
        for result, fallback in zip(results, fallbacks)
    ]
    return positions, results
