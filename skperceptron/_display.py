"""TrainingCurveDisplay: a deep MLP's loss and validation score per epoch.

A scikit-learn style Display: ``from_estimator`` reads a fitted estimator's
``history_`` and ``best_epoch_``, ``plot`` draws them with matplotlib, which
is imported only when a plot is drawn.
"""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

# history key -> (legend label, colour). Colours are fixed because the score's
# twin axes has a colour cycle of its own, which would repeat the loss's C0.
_CURVES = {
    "loss": ("Training loss", "C0"),
    "validation_loss": ("Validation loss", "C1"),
    "validation_score": ("Validation score", "C2"),
}
# the one curve drawn on the twin (right-hand) y-axis
_SCORE_KEY = "validation_score"


def _check_history(history, best_epoch):
    """Number of epochs in ``history``, after checking it can be drawn.

    Raises ValueError when the training loss is missing or shorter than two
    epochs (no curve to draw), when a validation curve is not one value per
    epoch, or when ``best_epoch`` is not one of the epochs.
    """
    n_epochs = 0 if history is None else len(history.get("loss", ()))
    if n_epochs < 2:
        raise ValueError(
            "A training curve needs the training loss of at least 2 epochs in "
            f"history['loss']; got {n_epochs}. Fit with a stochastic solver "
            "('sgd', 'adam', ...) and max_iter >= 2."
        )
    for key in _CURVES:
        if key in history and len(history[key]) != n_epochs:
            raise ValueError(
                f"history[{key!r}] has {len(history[key])} values but "
                f"history['loss'] has {n_epochs}: one value per epoch is needed."
            )
    if best_epoch is not None and not 1 <= best_epoch <= n_epochs:
        raise ValueError(
            f"best_epoch={best_epoch} is not an epoch of the history (1 to {n_epochs})."
        )
    return n_epochs


def _is_recorded(history, key):
    """Whether ``history[key]`` holds a finite value (unrecorded epochs are NaN)."""
    if key not in history:
        return False
    return bool(np.isfinite(np.asarray(history[key], dtype=float)).any())


def vertical_marker(ax, x, label, marker_kw):
    """A thin dashed black vertical line at ``x``, restyled by ``marker_kw``."""
    style = {
        "label": label,
        "color": "black",
        "linestyle": "--",
        "linewidth": 1,
        **marker_kw,
    }
    return ax.axvline(x, **style)


class TrainingCurveDisplay:
    """Training curve: loss and validation score per epoch, best epoch marked.

    The training loss and, when recorded, the validation loss share the left
    y-axis; the validation score, when recorded, has its own y-axis on the
    right (a twin of the first), so that a falling loss and a rising score
    read against one epoch axis without either scale squashing the other.
    A dashed vertical line marks the best epoch.

    Use :meth:`from_estimator` to draw a fitted estimator's history;
    constructing the Display directly is for a stored or edited history.

    Parameters
    ----------
    history : dict of list
        Values per epoch, as in a fitted estimator's ``history_``: 'loss'
        (required, at least 2 epochs), and optionally 'validation_loss' and
        'validation_score'. A curve with no finite value (NaN marks an
        unrecorded epoch) is not drawn; other keys are ignored.

    best_epoch : int, default=None
        1-based epoch to mark. If None, no epoch is marked.

    estimator_name : str, default=None
        Name used as the plot title. If None, no title is shown.

    Attributes
    ----------
    lines_ : dict of matplotlib Line2D
        The drawn curves, keyed by their ``history`` key.

    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at the best epoch, or None without ``best_epoch``.

    ax_ : matplotlib Axes
        Axes holding the loss curves.

    score_ax_ : matplotlib Axes or None
        Twin axes holding the validation score, or None without one.

    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the
        training-set size.

    Notes
    -----
    Estimators fitted with ``solver='lbfgs'`` record no ``history_``;
    ``from_estimator`` raises ValueError for them.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skperceptron import TrainingCurveDisplay
    >>> history = {"loss": [0.9, 0.5, 0.4, 0.35],
    ...            "validation_score": [0.6, 0.8, 0.85, 0.84]}
    >>> display = TrainingCurveDisplay(history=history, best_epoch=3,
    ...                                estimator_name="MLP").plot()
    >>> sorted(display.lines_)
    ['loss', 'validation_score']
    >>> display.best_epoch_line_.get_xdata()
    [3, 3]
    """

    def __init__(self, *, history, best_epoch=None, estimator_name=None):
        self.history = history
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, line_kw=None, best_epoch_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw the losses on. If None, a new figure and axes are
            created.

        name : str, default=None
            Plot title. If None, ``estimator_name`` is used.

        line_kw : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for every curve.

        best_epoch_kw : dict, default=None
            Keyword arguments passed to matplotlib's ``axvline`` for the best
            epoch marker.

        Returns
        -------
        display : TrainingCurveDisplay
            This display, with the artists stored in its attributes.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        epochs = np.arange(1, _check_history(self.history, self.best_epoch) + 1)
        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        line_kw = line_kw or {}
        self.lines_ = {
            key: self._draw_curve(ax, epochs, key, line_kw)
            for key in _CURVES
            if key != _SCORE_KEY and _is_recorded(self.history, key)
        }
        self.score_ax_ = None
        if _is_recorded(self.history, _SCORE_KEY):
            self.score_ax_ = ax.twinx()
            self.lines_[_SCORE_KEY] = self._draw_curve(
                self.score_ax_, epochs, _SCORE_KEY, line_kw
            )
        self.best_epoch_line_ = self._mark_best_epoch(ax, best_epoch_kw or {})
        self._label_axes(ax, self.estimator_name if name is None else name)
        self._add_legend(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _draw_curve(self, ax, epochs, key, line_kw):
        """Draw ``history[key]`` against ``epochs`` on ``ax``; the drawn line."""
        label, color = _CURVES[key]
        style = {"label": label, "color": color, **line_kw}
        (line,) = ax.plot(epochs, self.history[key], **style)
        return line

    def _mark_best_epoch(self, ax, best_epoch_kw):
        """Vertical line at the best epoch, or None without one."""
        if self.best_epoch is None:
            return None
        label = f"Best epoch ({self.best_epoch})"
        return vertical_marker(ax, self.best_epoch, label, best_epoch_kw)

    def _label_axes(self, ax, title):
        """Axis labels, whole-epoch ticks, and ``title`` unless None."""
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Loss")
        if self.score_ax_ is not None:
            self.score_ax_.set_ylabel(_CURVES[_SCORE_KEY][0])
        if title is not None:
            ax.set_title(title)

    def _add_legend(self, ax):
        """One legend for both y-axes, on the top one so no curve hides it."""
        handles = list(self.lines_.values())
        if self.best_epoch_line_ is not None:
            handles.append(self.best_epoch_line_)
        top_ax = ax if self.score_ax_ is None else self.score_ax_
        top_ax.legend(handles=handles, loc="best")

    @classmethod
    def from_estimator(
        cls, estimator, *, name=None, ax=None, line_kw=None, best_epoch_kw=None
    ):
        """Draw the training curve of a fitted estimator.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator with ``history_`` (and ``best_epoch_``), such as
            :class:`~skperceptron.DeepMLPClassifier` fitted with a stochastic
            solver.

        name : str, default=None
            Plot title. If None, the estimator's class name.

        ax : matplotlib Axes, default=None
            Axes to draw the losses on. If None, a new figure and axes are
            created.

        line_kw : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for every curve.

        best_epoch_kw : dict, default=None
            Keyword arguments passed to matplotlib's ``axvline`` for the best
            epoch marker.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, already drawn.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If ``estimator`` is not fitted.
        ValueError
            If ``estimator`` has no ``history_`` or too short a one.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from skperceptron import DeepMLPClassifier, TrainingCurveDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = DeepMLPClassifier(early_stopping=True, max_iter=30,
        ...                         random_state=0).fit(X, y)
        >>> display = TrainingCurveDisplay.from_estimator(clf)
        >>> sorted(display.lines_)
        ['loss', 'validation_loss', 'validation_score']
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        if getattr(estimator, "history_", None) is None:
            raise ValueError(
                f"{type(estimator).__name__} has no history_ to draw: only "
                "estimators fitted with a stochastic solver record one."
            )
        display = cls(
            history=estimator.history_,
            best_epoch=getattr(estimator, "best_epoch_", None),
            estimator_name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(ax=ax, line_kw=line_kw, best_epoch_kw=best_epoch_kw)
