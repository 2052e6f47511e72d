"""scikit-learn's callback protocol (``sklearn.callback``) around the epoch loop.

With scikit-learn >= 1.9, ``est.set_callbacks(ProgressBar(), ...)`` registers
callbacks; a stochastic fit is then one task with one subtask per epoch, and
each epoch's end hands the callbacks a ready-to-predict copy of the estimator
(so ``ScoringMonitor`` can score it). On an older scikit-learn the mixin is an
empty stand-in: no ``set_callbacks``, everything else unchanged.
"""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stand-in for scikit-learn < 1.9, which has no callbacks."""


class EpochCallbacks:
    """Calls an estimator's callbacks at the start and end of each epoch.

    Build it with :meth:`for_estimator`, which returns None when the estimator
    has no callbacks, so the training loop pays nothing for them.
    """

    def __init__(self, estimator, root_context, X, y):
        self.estimator, self.root_context = estimator, root_context
        self.X, self.y = X, y
        self._epoch_context = None

    @classmethod
    def for_estimator(cls, estimator, X, Y):
        """Open the fit task on ``(X, Y)``; None when there are no callbacks."""
        if not getattr(estimator, "_skl_callbacks", None):
            return None
        root_context = estimator._init_callback_context(max_subtasks=estimator.max_iter)
        y = estimator._decode_targets(Y)
        root_context.call_on_fit_task_begin(estimator=estimator, X=X, y=y)
        return cls(estimator, root_context, X, y)

    def epoch_begin(self):
        self._epoch_context = self.root_context.subcontext(task_name="epoch")
        self._epoch_context.call_on_fit_task_begin(
            estimator=self.estimator, X=self.X, y=self.y
        )

    def epoch_end(self, network):
        """Run the end-of-epoch hooks; True when a callback asks to stop."""
        return self._epoch_context.call_on_fit_task_end(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            reconstruction_attributes=lambda: _weights_snapshot(network),
        )

    def training_end(self):
        self.root_context.call_on_fit_task_end(
            estimator=self.estimator, X=self.X, y=self.y
        )


def _weights_snapshot(network):
    """Fitted weight attributes holding copies of the network's current weights."""
    return {
        "coefs_": [W.copy() for W in network.coefs],
        "intercepts_": [b.copy() for b in network.intercepts],
    }
