"""
Finding the learning rate in one run
====================================

A grid search finds a good learning rate by training the network many times,
once per candidate rate (and per fold). The learning-rate range test finds one
in a single short run: train while the rate grows exponentially from tiny to
huge, one rate per mini-batch, record the loss, and stop when it blows up.
The loss first stays flat (steps too small to matter), then falls (the rates
that learn), then shoots up (steps that overshoot). This example runs
:func:`~skperceptron.find_learning_rate` and
:class:`~skperceptron.LearningRateFinderDisplay` on the digits, and sets their
answer beside the grid search's.
"""

# %%
# The network and the data
# ------------------------
# As in the learning-rate example: the digits scaled to [0, 1], one hidden
# layer of 32 tanh units, plain SGD without momentum, so that the rate alone
# sets the step length.
import os
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skperceptron import (
    DeepMLPClassifier,
    LearningRateFinderDisplay,
    find_learning_rate,
)

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X = X / 16.0
network = DeepMLPClassifier(
    hidden_layer_sizes=(32,),
    activation="tanh",
    solver="sgd",
    momentum=0.0,
    max_iter=20,
    random_state=0,
)

# %%
# One range test per batch size
# -----------------------------
# The good rate depends on the batch size, so the test runs with each of the
# three sizes the grid search will try. Each run takes 200 mini-batch steps,
# the rate growing from 1e-6 to 10. The suggestion is a tenth of the rate
# where the smoothed loss is lowest: there the steps are about to become too
# long to make progress, so a full fit backs off from it.
batch_sizes = [16, 64, 256]
start = time.perf_counter()
results = {
    size: find_learning_rate(network.set_params(batch_size=size), X, y)
    for size in batch_sizes
}
finder_seconds = (time.perf_counter() - start) / len(batch_sizes)
for size, result in results.items():
    print(
        f"batch_size={size:>3}: {len(result.losses)} steps, stopped because "
        f"{result.message}; suggested learning rate "
        f"{result.suggested_learning_rate:.3g}"
    )

# %%
# The grid search it replaces
# ---------------------------
# Seven rates, a factor of about 3 apart, times the three batch sizes, each
# pair scored by 3-fold cross-validated accuracy after 20 epochs: 63 fits.
param_grid = {
    "learning_rate_init": [float(rate) for rate in np.logspace(-2.5, 0.5, 7)],
    "batch_size": batch_sizes,
}
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=ConvergenceWarning)
    search = GridSearchCV(network, param_grid, cv=3).fit(X, y)
grid_seconds = time.perf_counter() - start
print(
    f"grid search: best {search.best_params_}, accuracy {search.best_score_:.3f}, "
    f"{grid_seconds:.1f} s; one range test: {finder_seconds:.2f} s"
)

# %%
# The range test beside the grid
# ------------------------------
# Left, the range test of batches of 64: the faint line is each batch's loss,
# the dark one its moving average, the dashed line the suggestion. The loss
# is flat up to about 1e-3, falls, and blows up just past 1. Right, the grid
# search's accuracies; the red frame is its best pair, the white stars the
# range test's suggestion for each batch size, placed on the rate axis.
#
# The suggestions, 0.1 to 0.15, sit a safe factor below the cliff at 3.16
# and in the band of rates that learn: within about 0.02 of the best accuracy
# for batches of 16 and 64. They are cautious for batches of 256, where 20
# epochs make only 140 steps and the largest stable rate gains most (0.87
# against 0.93). Each range test costs a fraction of one fit; the grid search
# costs 63 fits.
fig, (curve_ax, grid_ax) = plt.subplots(
    1, 2, figsize=(11, 4.5), layout="constrained", width_ratios=[1.2, 1]
)
LearningRateFinderDisplay(
    learning_rates=results[64].learning_rates,
    losses=results[64].losses,
    smoothed_losses=results[64].smoothed_losses,
    suggested_learning_rate=results[64].suggested_learning_rate,
).plot(ax=curve_ax, name="Range test, batch_size=64")

rates = param_grid["learning_rate_init"]
scores = search.cv_results_["mean_test_score"].reshape(len(batch_sizes), len(rates))
image = grid_ax.imshow(scores.T, cmap="viridis", vmin=0, vmax=1, aspect="auto")
for (col, row), score in np.ndenumerate(scores):
    color = "black" if score > 0.6 else "white"
    grid_ax.text(col, row, f"{score:.2f}", ha="center", va="center", color=color)
best_row = rates.index(search.best_params_["learning_rate_init"])
best_col = batch_sizes.index(search.best_params_["batch_size"])
grid_ax.add_patch(
    plt.Rectangle((best_col - 0.5, best_row - 0.5), 1, 1, fill=False, ec="red", lw=2.5)
)
# a suggestion's row: its position between the grid's rates, on a log scale
suggested_rows = [
    np.interp(np.log(results[size].suggested_learning_rate), np.log(rates), range(7))
    for size in batch_sizes
]
grid_ax.scatter(
    np.arange(len(batch_sizes)) - 0.3,  # beside the cell's number, not on it
    suggested_rows,
    marker="*",
    s=250,
    color="white",
    edgecolor="black",
)
grid_ax.set_xticks(range(len(batch_sizes)), labels=batch_sizes)
grid_ax.set_yticks(range(len(rates)), labels=[f"{rate:.3g}" for rate in rates])
grid_ax.set_xlabel("batch_size")
grid_ax.set_ylabel("learning_rate_init")
grid_ax.set_title("Grid search (3-fold CV accuracy),\nstars: range test's suggestions")
fig.colorbar(image, ax=grid_ax, label="accuracy")
fig.savefig(FIGURES / "plot_learning_rate_finder.png")

# %%
# Using the suggestion
# --------------------
# ``param_name`` names the parameter to set (``eta0`` for the perceptron, a
# ``step__`` prefix in a Pipeline), so the suggestion goes straight into the
# estimator.
best = results[16]
tuned = network.set_params(
    batch_size=16, **{best.param_name: best.suggested_learning_rate}
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=ConvergenceWarning)
    tuned.fit(X, y)
print(f"fit at the suggested rate: training accuracy {tuned.score(X, y):.3f}")

plt.show()
