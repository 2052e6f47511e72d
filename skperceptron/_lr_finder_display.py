"""LearningRateFinderDisplay: the range test's loss against the learning rate.

A scikit-learn style Display: ``from_estimator`` runs ``find_learning_rate``
and draws its curve, ``plot`` (re)draws a stored one with matplotlib, which is
imported only when a plot is drawn.
"""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._display import vertical_marker
from ._lr_finder import find_learning_rate


def _loss_axis_limits(losses, smoothed):
    """y-limits showing the descent; the blow-up past it is cut off at the top."""
    lowest = int(np.argmin(smoothed))
    top = max(smoothed[: lowest + 1].max(), smoothed[0])
    bottom = min(losses.min(), smoothed.min())
    margin = 0.05 * (top - bottom) or 0.05 * abs(top) or 0.05
    return bottom - margin, top + 4 * margin


class LearningRateFinderDisplay:
    """Learning-rate range test: loss against learning rate, suggestion marked.

    The batch losses are drawn faintly, their moving average as a line, both
    against the learning rate on a log axis; a dashed vertical line marks the
    suggested rate. The y-axis is cut a little above the starting loss, so
    that the blow-up at the largest rates does not squash the descent.

    Use :meth:`from_estimator` to run the test and draw it; construct the
    Display directly to redraw a stored result.

    Parameters
    ----------
    learning_rates : ndarray of shape (n_steps,)
        The rates tried.

    losses : ndarray of shape (n_steps,)
        The batch loss at each rate.

    smoothed_losses : ndarray of shape (n_steps,)
        The moving average of ``losses``.

    suggested_learning_rate : float, default=None
        Rate to mark. If None, nothing is marked.

    estimator_name : str, default=None
        Name used as the plot title. If None, no title is shown.

    Attributes
    ----------
    result_ : :class:`~sklearn.utils.Bunch` or None
        The full result of ``find_learning_rate`` (set by
        :meth:`from_estimator`, None otherwise).

    raw_line_ : matplotlib Line2D
        The batch losses.

    line_ : matplotlib Line2D
        The smoothed losses.

    suggestion_line_ : matplotlib Line2D or None
        The vertical line at the suggested rate, or None without one.

    ax_ : matplotlib Axes
        Axes holding the curves.

    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    find_learning_rate : Run the range test without plotting.
    TrainingCurveDisplay : Loss and validation score per epoch of a fit.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skperceptron import LearningRateFinderDisplay
    >>> rates = np.geomspace(1e-4, 1.0, 5)
    >>> losses = np.array([1.0, 0.9, 0.5, 0.4, 2.0])
    >>> display = LearningRateFinderDisplay(
    ...     learning_rates=rates, losses=losses, smoothed_losses=losses,
    ...     suggested_learning_rate=1e-2).plot()
    >>> display.ax_.get_xscale()
    'log'
    >>> display.suggestion_line_.get_xdata()
    [0.01, 0.01]
    """

    def __init__(
        self,
        *,
        learning_rates,
        losses,
        smoothed_losses,
        suggested_learning_rate=None,
        estimator_name=None,
    ):
        self.learning_rates = learning_rates
        self.losses = losses
        self.smoothed_losses = smoothed_losses
        self.suggested_learning_rate = suggested_learning_rate
        self.estimator_name = estimator_name
        self.result_ = None

    def plot(self, ax=None, *, name=None, line_kw=None, suggestion_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        name : str, default=None
            Plot title. If None, ``estimator_name`` is used.

        line_kw : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for the
            smoothed curve.

        suggestion_kw : dict, default=None
            Keyword arguments passed to matplotlib's ``axvline`` for the
            suggestion marker.

        Returns
        -------
        display : LearningRateFinderDisplay
            This display, with the artists stored in its attributes.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        rates, losses = self._checked_curves()
        smoothed = np.asarray(self.smoothed_losses, dtype=float)
        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        (self.raw_line_,) = ax.plot(
            rates, losses, color="C0", alpha=0.3, linewidth=1, label="Batch loss"
        )
        line_style = {"color": "C0", "label": "Smoothed loss", **(line_kw or {})}
        (self.line_,) = ax.plot(rates, smoothed, **line_style)
        self.suggestion_line_ = self._mark_suggestion(ax, suggestion_kw or {})
        ax.set_xscale("log")
        ax.set_ylim(*_loss_axis_limits(losses, smoothed))
        ax.set_xlabel("Learning rate")
        ax.set_ylabel("Training loss")
        title = self.estimator_name if name is None else name
        if title is not None:
            ax.set_title(title)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _checked_curves(self):
        """Rates and losses as float arrays, after checking they can be drawn."""
        rates = np.asarray(self.learning_rates, dtype=float)
        losses = np.asarray(self.losses, dtype=float)
        if len(rates) < 2 or len(losses) != len(rates):
            raise ValueError(
                "A range-test curve needs at least 2 rates and one loss per rate; "
                f"got {len(rates)} rates and {len(losses)} losses."
            )
        if len(self.smoothed_losses) != len(rates):
            raise ValueError("smoothed_losses needs one value per rate.")
        return rates, losses

    def _mark_suggestion(self, ax, suggestion_kw):
        """Vertical line at the suggested rate, or None without one."""
        if self.suggested_learning_rate is None:
            return None
        rate = self.suggested_learning_rate
        return vertical_marker(ax, rate, f"Suggested rate ({rate:.2g})", suggestion_kw)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        sample_weight=None,
        name=None,
        ax=None,
        line_kw=None,
        suggestion_kw=None,
        **finder_params,
    ):
        """Run the learning-rate range test on ``estimator`` and draw it.

        Parameters
        ----------
        estimator : estimator instance
            An estimator :func:`find_learning_rate` accepts; it is not changed.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        name : str, default=None
            Plot title. If None, the class name of the (last step of the)
            estimator.

        ax, line_kw, suggestion_kw : default=None
            The axes and the styles to draw with, as in :meth:`plot`.

        **finder_params : dict
            Settings of the sweep passed to :func:`find_learning_rate`
            (``min_lr``, ``max_lr``, ``n_steps``, ``suggestion``, ...).

        Returns
        -------
        display : LearningRateFinderDisplay
            The display, already drawn; ``result_`` holds the whole result.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.preprocessing import StandardScaler
        >>> from skperceptron import DeepMLPClassifier, LearningRateFinderDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> X = StandardScaler().fit_transform(X)
        >>> clf = DeepMLPClassifier((16,), batch_size=16, random_state=0)
        >>> display = LearningRateFinderDisplay.from_estimator(clf, X, y)
        >>> display.result_.param_name
        'learning_rate_init'
        >>> display.suggestion_line_ is not None
        True
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        result = find_learning_rate(
            estimator, X, y, sample_weight=sample_weight, **finder_params
        )
        final_step = estimator[-1] if isinstance(estimator, Pipeline) else estimator
        display = cls(
            learning_rates=result.learning_rates,
            losses=result.losses,
            smoothed_losses=result.smoothed_losses,
            suggested_learning_rate=result.suggested_learning_rate,
            estimator_name=type(final_step).__name__ if name is None else name,
        )
        display.result_ = result
        return display.plot(ax=ax, line_kw=line_kw, suggestion_kw=suggestion_kw)
