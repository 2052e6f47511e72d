"""The demo's figures: loss per epoch of each model, and the grid search's heat map.

Imported only for ``python -m skperceptron --plot DIR``, so matplotlib stays an
optional extra.
"""

from pathlib import Path

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support


def save_figures(models, search, plot_dir):
    """Write the demo's figures into ``plot_dir``; return their paths.

    Parameters
    ----------
    models : list of (str, estimator)
        The fitted models of the story, named.
    search : GridSearchCV
        The fitted search over learning rate and batch size.
    plot_dir : str or path
        Directory to write into (created if missing).

    Returns
    -------
    paths : list of Path
        The PNG files written.
    """
    check_matplotlib_support("python -m skperceptron --plot")
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, works without a display
    plot_dir = Path(plot_dir)
    plot_dir.mkdir(parents=True, exist_ok=True)
    figures = {
        "loss_curves.png": _loss_curves(models),
        "grid_search.png": _grid_heat_map(search),
    }
    paths = []
    for name, figure in figures.items():
        figure.savefig(plot_dir / name, dpi=100, bbox_inches="tight")
        paths.append(plot_dir / name)
    return paths


def _loss_curves(models):
    """Training loss per epoch of every model trained by gradient descent."""
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, model in models:
        curve = getattr(model, "loss_curve_", None)
        if curve:
            ax.plot(np.arange(1, len(curve) + 1), curve, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss J(w), each model's own loss")
    ax.set_yscale("log")
    ax.set_title("Gradient descent lowers the loss, epoch by epoch")
    ax.legend(fontsize="small")
    return figure


def _grid_heat_map(search):
    """Mean cross-validated accuracy over learning rate x batch size."""
    import matplotlib.pyplot as plt

    results = search.cv_results_
    keys = {name.split("__")[-1]: name for name in search.param_grid}
    rates = search.param_grid[keys["learning_rate_init"]]
    batches = search.param_grid[keys["batch_size"]]
    scores = np.empty((len(rates), len(batches)))
    for params, score in zip(results["params"], results["mean_test_score"]):
        row = rates.index(params[keys["learning_rate_init"]])
        column = batches.index(params[keys["batch_size"]])
        scores[row, column] = score
    figure, ax = plt.subplots(figsize=(5.2, 4.2))
    image = ax.imshow(scores, cmap="viridis", origin="lower")
    middle = (scores.min() + scores.max()) / 2
    for (row, column), score in np.ndenumerate(scores):
        color = "black" if score > middle else "white"  # readable on the colour
        ax.text(column, row, f"{score:.3f}", ha="center", va="center", color=color)
    ax.set_xticks(range(len(batches)), [str(b) for b in batches])
    ax.set_yticks(range(len(rates)), [f"{r:g}" for r in rates])
    ax.set_xlabel("batch_size")
    ax.set_ylabel("learning_rate_init")
    ax.set_title("Cross-validated accuracy of the (64,) network")
    figure.colorbar(image, ax=ax, label="mean accuracy (3-fold)")
    return figure
