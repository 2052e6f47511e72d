"""The record of training a deep MLP keeps across ``fit`` and ``partial_fit`` calls.

Loss curve, history, validation scores, the best value of the monitored metric
and its epoch, and the early-stopping state (the no-improvement count and the
best weights) that a warm start or the next ``partial_fit`` resumes from. These
are scikit-learn's MLP attributes, plus ``history_`` and ``best_epoch_``.
"""

import numpy as np

from ._core import HIGHER_IS_BETTER, NoImprovement

# the metric early stopping (or not) watches -> the attribute holding its best
_BEST_OF_METRIC = {
    "loss": "best_loss_",
    "validation_score": "best_validation_score_",
    "validation_loss": "best_validation_loss_",
}


class TrainingRecordMixin:
    """Starts, resumes and extends the record of an MLP's training.

    For estimators with ``solver``, ``early_stopping``, ``early_stopping_metric``,
    ``tol`` and ``n_iter_no_change`` parameters, as the deep MLPs have.
    """

    # fitted attributes that only some ways of fitting set
    _CONDITIONAL_ATTRIBUTES = (
        "loss_curve_",
        "best_loss_",
        "validation_scores_",
        "best_validation_score_",
        "validation_loss_curve_",
        "best_validation_loss_",
        "history_",
        "best_epoch_",
        "_best_params",
        "_optimizer",
    )

    def _reset_training_record(self):
        """Forget earlier fits: the record of a first call to ``fit``."""
        for name in self._CONDITIONAL_ATTRIBUTES:
            self.__dict__.pop(name, None)
        if self.solver == "lbfgs":
            return
        self.loss_curve_, self.history_, self.best_epoch_ = [], {}, None
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_, self.validation_loss_curve_ = [], []
            self.best_validation_score_, self.best_validation_loss_ = -np.inf, np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = self.validation_loss_curve_ = None
            self.best_validation_score_ = self.best_validation_loss_ = None
            self.best_loss_ = np.inf

    def _monitored_metric(self):
        if not self.early_stopping:
            return "loss"
        return f"validation_{self.early_stopping_metric}"

    def _monitor(self, network):
        """Progress monitor resuming the counts of earlier warm or partial fits.

        With early stopping, a fresh start snapshots the initial weights. After
        an early-stopping fit, scikit-learn's best weights *are* the fitted
        weights (one set of arrays, which the next warm-start fit updates in
        place), so a warm-start run that never beats the best score so far
        ends with its last epoch's weights; the live parameters stand for the
        best ones here until an epoch beats that score.
        """
        metric = self._monitored_metric()
        best_params = None
        if self.early_stopping:
            resumed = getattr(self, "_best_params", None) is not None
            best_params = network.params if resumed else network.params.copy()
        return NoImprovement(
            self.tol,
            self.n_iter_no_change,
            metric=metric,
            best=getattr(self, _BEST_OF_METRIC[metric]),
            count=self._no_improvement_count,
            best_params=best_params,
        )

    def _store_result(self, result, monitor):
        """Extend the record with a run's result (``monitor`` None for L-BFGS)."""
        self.n_iter_ = result.n_iter
        self.loss_ = np.float64(result.loss)  # NumPy floats, as scikit-learn's
        if monitor is None:
            return
        self.t_ = result.n_samples_seen
        self.loss_curve_.extend(map(np.float64, result.loss_curve))
        history = self.__dict__.setdefault("history_", {})  # set by hand: none yet
        for key, values in result.history.items():
            history.setdefault(key, []).extend(values)
        self._no_improvement_count = monitor.count
        best = np.float64(monitor.best) if monitor.metric == "loss" else monitor.best
        setattr(self, _BEST_OF_METRIC[monitor.metric], best)
        self.best_epoch_ = self._best_epoch()
        if self.early_stopping:
            self.validation_scores_.extend(result.validation_scores)
            self.validation_loss_curve_.extend(result.validation_losses)
            self._best_params = monitor.best_params

    def _record_diverged_epoch(self):
        """Count the epoch that diverged, with nan for its loss and scores."""
        self.n_iter_ += 1
        self.loss_curve_.append(np.float64(np.nan))
        for values in self.history_.values():
            values.append(np.nan)
        if self.early_stopping:
            self.validation_scores_.append(np.nan)
            self.validation_loss_curve_.append(np.nan)

    def _best_epoch(self):
        """1-based epoch of the best monitored value over the whole history."""
        metric = self._monitored_metric()
        curve = self.history_.get(metric, [])
        if not curve:
            return None
        sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
        return int(np.argmax(sign * np.asarray(curve))) + 1
