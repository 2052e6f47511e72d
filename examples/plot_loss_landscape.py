"""
The loss landscape and the path of gradient descent
===================================================

Training a network means finding the weights with the lowest loss
:math:`J(w)`. With only two weights we can draw :math:`J` as a map over the
plane of all weight pairs and watch gradient descent walk down it. This
example draws that map for a single sigmoid neuron and follows
:class:`~skperceptron.PerceptronClassifier` one epoch at a time, with a small,
a well-chosen and a too-large learning rate.
"""

# %%
# A neuron with exactly two weights
# ---------------------------------
# Two input features, no bias (``fit_intercept=False``): the neuron computes
# :math:`p = g(w_1 x_1 + w_2 x_2)` with the sigmoid :math:`g`, so its weights
# are a point :math:`(w_1, w_2)` in the plane. The labels are drawn at random
# with exactly such a neuron's probabilities, so no weights classify every
# point right and the loss has a lowest point at finite weights. The second
# feature varies less than the first, which will make the landscape a long,
# narrow valley.
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from skperceptron import PerceptronClassifier

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

rng = np.random.RandomState(0)
n_samples = 200
X = rng.normal(size=(n_samples, 2)) * [1.0, 0.35]
w_true = np.array([1.5, 3.0])
y = (rng.uniform(size=n_samples) < 1 / (1 + np.exp(-X @ w_true))).astype(int)

# %%
# The loss J(w) over the weight plane
# -----------------------------------
# The loss the sigmoid neuron minimises is the log-loss, the average over the
# samples of :math:`-\log p` for the positives and :math:`-\log(1 - p)` for
# the negatives. To map it we take a fitted neuron, overwrite its weights
# ``coef_`` with each point of a grid, and average :math:`-\log` of the
# probability its ``predict_proba`` gives each sample's true class: the map
# is made by the estimator itself.
probe = PerceptronClassifier(activation="sigmoid", fit_intercept=False).fit(X, y)


def loss_at(w):
    """J(w): the log-loss of the neuron with weights ``w``."""
    probe.coef_ = np.array([w], dtype=float)
    p_true_class = probe.predict_proba(X)[np.arange(n_samples), y]
    return -np.mean(np.log(p_true_class))


w1_grid = np.linspace(-4, 9, 66)
w2_grid = np.linspace(-5, 5, 51)
J = np.array([[loss_at((w1, w2)) for w1 in w1_grid] for w2 in w2_grid])
lowest = np.unravel_index(J.argmin(), J.shape)
w_lowest = (w1_grid[lowest[1]], w2_grid[lowest[0]])
print(
    f"Lowest J on the grid: {J.min():.3f} at w = ({w_lowest[0]:.1f}, "
    f"{w_lowest[1]:.1f}); J ranges up to {J.max():.2f}"
)

# %%
# Gradient descent, one epoch at a time
# -------------------------------------
# Gradient descent repeats one move: compute the slope :math:`\nabla J(w)` at
# the current weights and step downhill, :math:`w \leftarrow w - \eta
# \nabla J(w)`, where the learning rate :math:`\eta` (``eta0``) sets the step
# length. With ``batch_size`` equal to the number of samples and
# ``shuffle=False`` each epoch is exactly one such step on the whole data set,
# so calling :meth:`~skperceptron.PerceptronClassifier.partial_fit` once per
# epoch and reading ``coef_`` after each call traces the estimator's own
# path. The first step comes from ``fit`` with ``coef_init`` (and
# ``max_iter=1``), so that every run starts at the same poor guess
# :math:`w = (-3, -4)`, far from the valley floor.
w_start = np.array([-3.0, -4.0])
n_epochs = 30
learning_rates = {
    "too small (eta0=2)": 2.0,
    "about right (eta0=8)": 8.0,
    "too large (eta0=19)": 19.0,
}


def descend(eta0):
    """Weights after each epoch of full-batch gradient descent, and the neuron."""
    neuron = PerceptronClassifier(
        activation="sigmoid",
        fit_intercept=False,
        eta0=eta0,
        batch_size=n_samples,
        shuffle=False,
        max_iter=1,
        tol=None,
    )
    neuron.fit(X, y, coef_init=w_start)
    path = [w_start, neuron.coef_[0].copy()]
    for _ in range(n_epochs - 1):
        neuron.partial_fit(X, y)
        path.append(neuron.coef_[0].copy())
    return np.array(path), neuron


runs = {name: descend(eta0) for name, eta0 in learning_rates.items()}

# %%
# ``loss_curve_`` records :math:`J` at the weights each epoch started from, so
# it should agree with the map at the points of the path: a check that the
# contours show the very function the estimator descends.
for name, (path, neuron) in runs.items():
    mapped = np.array([loss_at(w) for w in path[:-1]])
    gap = np.abs(mapped - neuron.loss_curve_).max()
    start, end = neuron.loss_curve_[0], loss_at(path[-1])
    print(
        f"{name}: J from {start:.3f} to {end:.3f} after {n_epochs} "
        f"epochs\n  ends at w = {np.round(path[-1], 2)}\n"
        f"  largest gap between loss_curve_ and the map: {gap:.1e}"
    )

# %%
# The paths on the landscape
# --------------------------
# Each step leaves its contour line at a right angle, since the gradient
# points straight uphill. With a small rate the steps are short: the neuron
# slides into the valley and then crawls along its nearly flat floor, still
# far from the bottom after 30 epochs. A larger rate covers that distance in
# a few steps. Too large a rate overshoots the steep walls: each step lands
# on the opposite side of the valley, and near the bottom the path keeps
# bouncing from wall to wall without settling. A little larger still and each
# bounce would land higher than the last, so the loss would grow without
# bound: the fit diverges.
levels = np.geomspace(J.min() * 1.001, J.max(), 25)
fig, axes = plt.subplots(
    1, len(runs), figsize=(15, 4.6), sharey=True, layout="constrained"
)
for ax, (name, (path, neuron)) in zip(axes, runs.items()):
    contours = ax.contourf(
        w1_grid, w2_grid, J, levels=levels, norm=LogNorm(), cmap="viridis"
    )
    ax.contour(
        w1_grid, w2_grid, J, levels=levels, colors="white", linewidths=0.3, alpha=0.6
    )
    ax.plot(
        *path.T,
        "-o",
        color="tab:orange",
        markersize=3.5,
        linewidth=1.2,
        label="gradient descent, one dot per epoch",
    )
    ax.plot(
        *w_start, "s", color="white", markeredgecolor="k", markersize=9, label="start"
    )
    ax.plot(
        *path[-1],
        "X",
        color="red",
        markeredgecolor="k",
        markersize=11,
        label=f"after {n_epochs} epochs",
    )
    ax.plot(
        *w_lowest,
        "*",
        color="gold",
        markeredgecolor="k",
        markersize=15,
        label="lowest J on the grid",
    )
    ax.set_title(f"{name}: J = {loss_at(path[-1]):.3f} at the end")
    ax.set_xlabel("weight $w_1$")
axes[0].set_ylabel("weight $w_2$")
fig.colorbar(contours, ax=axes, label="loss J(w) (log-loss, log scale)", format="%.1f")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=4)
fig.savefig(FIGURES / "plot_loss_landscape_paths.png")

# %%
# The same runs as loss curves
# ----------------------------
# ``loss_curve_`` is how one usually watches training, without the map. The
# small rate gives a smooth but slow decline, the well-chosen one drops fast
# and flattens out at the bottom, and the bouncing of the large one shows up
# as a loss that goes up and down every other epoch and stays above the
# lowest value.
fig, (ax_all, ax_zoom) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for ax in (ax_all, ax_zoom):
    for name, (path, neuron) in runs.items():
        epochs = np.arange(1, len(neuron.loss_curve_) + 1)
        ax.plot(epochs, neuron.loss_curve_, "-o", markersize=3, label=name)
    ax.axhline(
        J.min(), color="grey", linestyle="--", linewidth=1, label="lowest J on the grid"
    )
    ax.set_xlabel("Epoch (one gradient step on all samples)")
ax_all.set_ylabel("Training loss J(w) at the epoch's start")
ax_all.set_title("loss_curve_ for three learning rates")
ax_zoom.set_ylim(J.min() - 0.01, 0.65)
ax_zoom.set_title("The same, zoomed in near the bottom")
ax_all.legend()
fig.savefig(FIGURES / "plot_loss_landscape_curves.png")

plt.show()
