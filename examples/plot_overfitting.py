"""
Overfitting: bigger networks, early stopping and regularisation
===============================================================

A network is trained to make its loss on the *training* data small, but what
we care about is the loss on data it has not seen. This example trains
networks of growing width on a small, noisy two-class problem and shows the
two losses part ways, then shows the package's tools for bringing them back
together: early stopping on a validation set, an L2 penalty (``alpha``),
dropout and AdamW's weight decay.
"""

# %%
# A small, noisy problem
# ----------------------
# Two interleaved half-moons with heavy noise: many points sit on the wrong
# side of the best possible boundary, so a model that classifies every
# training point correctly has learnt the noise. Only 100 points are used
# for training; 900 more form the validation set that measures how well the
# model generalises.
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, TrainingCurveDisplay

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

X, y = make_moons(n_samples=1000, noise=0.35, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

# Every network below: one hidden ReLU layer, Adam at learning rate 0.01,
# 500 epochs, no penalty unless stated. ``tol=0`` with a huge
# ``n_iter_no_change`` switches off the usual stop on a flat training loss, so
# that every model trains for the same 500 epochs (and would make each fit warn
# that it stopped at ``max_iter`` before converging, which here is the plan).
warnings.filterwarnings("ignore", category=ConvergenceWarning)
SETTINGS = dict(
    alpha=0.0,
    learning_rate_init=0.01,
    max_iter=500,
    tol=0.0,
    n_iter_no_change=10**6,
)


def losses(model):
    """Log-loss on the training and the validation data (no penalty term)."""
    return (
        log_loss(y_train, model.predict_proba(X_train)),
        log_loss(y_val, model.predict_proba(X_val)),
    )


# %%
# Training and validation loss as the network grows
# -------------------------------------------------
# The width of the hidden layer is the network's capacity: the number of
# bends its decision boundary can make. We train widths 1 to 512, from three
# random initialisations each, and average the final losses.
WIDTHS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
SEEDS = [0, 1, 2]

train_loss, val_loss, models = [], [], {}
for width in WIDTHS:
    per_seed = []
    for seed in SEEDS:
        model = DeepMLPClassifier((width,), random_state=seed, **SETTINGS)
        model.fit(X_train, y_train)
        per_seed.append(losses(model))
        models.setdefault(width, model)  # seed 0, for the pictures below
    train_loss.append(np.mean([t for t, _ in per_seed]))
    val_loss.append(np.mean([v for _, v in per_seed]))

print("width  train loss  validation loss")
for width, t, v in zip(WIDTHS, train_loss, val_loss):
    print(f"{width:5d}  {t:10.3f}  {v:15.3f}")

# A grid over the input plane, to draw what each network predicts.
grid_x, grid_y = np.meshgrid(np.linspace(-2.5, 2.5, 200), np.linspace(-2.5, 2.5, 200))
grid = np.c_[grid_x.ravel(), grid_y.ravel()]


def draw_boundary(ax, model, title):
    """The model's probability of class 1 over the plane, with the training points."""
    proba = model.predict_proba(grid)[:, 1].reshape(grid_x.shape)
    ax.contourf(
        grid_x, grid_y, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6
    )
    ax.contour(grid_x, grid_y, proba, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(
        X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu_r", edgecolors="k", s=18
    )
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(
    1, 3, figsize=(13, 4), layout="constrained", width_ratios=[1.6, 1, 1]
)
axes[0].plot(WIDTHS, train_loss, "o-", label="training loss")
axes[0].plot(WIDTHS, val_loss, "s-", label="validation loss")
best_width = WIDTHS[int(np.argmin(val_loss))]
axes[0].axvline(
    best_width,
    color="gray",
    ls=":",
    label=f"lowest validation loss (width {best_width})",
)
axes[0].set_xscale("log", base=2)
axes[0].set_xticks(WIDTHS, [str(width) for width in WIDTHS])
axes[0].minorticks_off()
axes[0].set_xlabel("hidden units (log scale)")
axes[0].set_ylabel("log-loss, mean of 3 seeds")
axes[0].set_title("Training and validation loss after 500 epochs")
axes[0].legend()
draw_boundary(axes[1], models[best_width], f"width {best_width}: a smooth boundary")
draw_boundary(axes[2], models[512], "width 512: the boundary chases the noise")
fig.savefig(FIGURES / "plot_overfitting_width.png")

# %%
# The training loss falls steadily as the width grows: a wider network can
# fit more of the training points, noise included. The validation loss falls
# only while the extra capacity captures the real shape of the moons (up to a
# handful of units) and then climbs: the wide networks are confidently wrong
# on new points near the noisy middle. The gap between the two curves is
# overfitting. The decision boundaries show it directly: the wide network
# bends around individual training points.

# %%
# Early stopping on a validation set
# ----------------------------------
# Training is itself a path from a simple function (small random weights) to
# a complicated one, so we can stop it partway. With ``early_stopping=True``
# the network measures the validation loss after each epoch
# (``early_stopping_metric="loss"``; the default monitors the accuracy), stops
# once it has not improved for ``n_iter_no_change`` epochs, and keeps the
# weights of the best epoch. We allow a patience of 100 epochs, more than
# needed, so that the curves show what happens after the best epoch.
#
# By default the validation data is a random ``validation_fraction`` of the
# training data. Here we pass our own with ``fit(X, y, X_val=..., y_val=...)``,
# as with scikit-learn's HistGradientBoosting models, so that all 100 points
# are used for training.
stopped = DeepMLPClassifier(
    (512,),
    random_state=0,
    early_stopping=True,
    early_stopping_metric="loss",
    **{**SETTINGS, "n_iter_no_change": 100},
)
stopped.fit(X_train, y_train, X_val=X_val, y_val=y_val)
print(
    f"\nearly stopping: ran {stopped.n_iter_} epochs, kept epoch "
    f"{stopped.best_epoch_}\n  validation loss "
    f"{stopped.best_validation_loss_:.3f}; 500 epochs without it end at "
    f"{losses(models[512])[1]:.3f}"
)

fig, ax = plt.subplots(figsize=(7, 4.6), layout="constrained")
display = TrainingCurveDisplay.from_estimator(
    stopped, ax=ax, name="Width 512, early stopping on the validation loss"
)
ax.set_ylabel("log-loss")
# The display's legend takes the corner the score curve leaves free, which
# here is where the validation loss ends: move it under the plot.
display.score_ax_.get_legend().remove()
fig.legend(
    handles=[*display.lines_.values(), display.best_epoch_line_],
    loc="outside lower center",
    ncols=2,
)
fig.savefig(FIGURES / "plot_overfitting_early_stopping.png")

# %%
# The training loss keeps falling, while the validation loss reaches its
# lowest point after a few dozen epochs and rises afterwards; the dashed line
# marks the epoch whose weights the model keeps. The validation score (here
# the accuracy, on the right-hand axis) peaks near the same epoch but then
# drops by only a couple of points while the validation loss keeps climbing:
# the network grows *over-confident* on the points it gets wrong, which the
# loss punishes and the accuracy does not see. The loss is also smoother, as
# the accuracy jumps whenever a few validation points change side. Both make
# the loss the better signal to stop on.
#
# Because the validation set chose the epoch, its loss at that epoch is a
# slightly optimistic estimate; an honest final number needs a third,
# untouched test set.

# %%
# Regularisers: make complicated functions expensive
# --------------------------------------------------
# Instead of stopping, we can change what training minimises or how it runs,
# so that the wide network prefers simple functions:
#
# * ``alpha``: adds :math:`\tfrac{\alpha}{2n}\lVert W\rVert^2` to the loss
#   J(w) (n samples per batch); large weights, which sharp bends need, now
#   cost something.
# * ``dropout``: each training step zeroes a random half of the hidden units,
#   so no unit can rely on a few others to memorise a point; prediction uses
#   all units.
# * ``solver="adamw"`` with ``weight_decay``: after each Adam step the weights
#   shrink by a fixed fraction, separately from the gradient of the loss.
#
# The width-512 network trains for the same 500 epochs with each of them,
# and with no regulariser as the reference; the early-stopped model joins the
# comparison. We compare the training and validation log-loss (measured
# without penalty and without dropout, so all five are on the same scale).
regularised = {
    "none": DeepMLPClassifier((512,), random_state=0, **SETTINGS),
    "L2 penalty\nalpha=1": DeepMLPClassifier(
        (512,), random_state=0, **{**SETTINGS, "alpha": 1.0}
    ),
    "dropout=0.5": DeepMLPClassifier((512,), random_state=0, dropout=0.5, **SETTINGS),
    "AdamW\nweight_decay=1": DeepMLPClassifier(
        (512,), random_state=0, solver="adamw", weight_decay=1.0, **SETTINGS
    ),
}
for model in regularised.values():
    model.fit(X_train, y_train)
regularised["early stopping"] = stopped

names = list(regularised)
scores = np.array([losses(model) for model in regularised.values()])
accuracy = [model.score(X_val, y_val) for model in regularised.values()]
print("\nregulariser            train  validation   gap  validation accuracy")
for name, (t, v), acc in zip(names, scores, accuracy):
    label = name.replace("\n", " ")
    print(f"{label:22s} {t:6.3f} {v:10.3f} {v - t:6.3f} {acc:10.3f}")

fig = plt.figure(figsize=(14, 7), layout="constrained")
top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.1])
for ax, (name, model) in zip(top.subplots(1, len(names)), regularised.items()):
    draw_boundary(ax, model, name.replace("\n", ", "))
top.suptitle("Width-512 networks: decision boundaries")
ax = bottom.subplots()
positions = np.arange(len(names))
ax.bar(positions - 0.2, scores[:, 0], width=0.4, label="training loss")
ax.bar(positions + 0.2, scores[:, 1], width=0.4, label="validation loss")
for x, (t, v) in zip(positions, scores):
    ax.annotate(
        f"gap {v - t:.2f}",
        (x, max(t, v)),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
    )
ax.set_xticks(positions, names)
ax.set_ylim(0, 1.12 * scores.max())
ax.set_ylabel("log-loss")
ax.set_title("Training vs validation loss: the gap is the overfitting")
ax.legend(loc="upper right")
fig.savefig(FIGURES / "plot_overfitting_regularisers.png")

# %%
# Without a regulariser the wide network reaches a tiny training loss and a
# validation loss above 1, the worst of all. Each regulariser raises the
# training loss (the network may no longer memorise) and lowers the
# validation loss; the boundaries become smoother. At these strengths the L2
# penalty and early stopping close the gap almost completely, weight decay
# closes about three quarters of it and dropout about half.
#
# The strength matters: these values were picked by hand on this validation
# set, and too much of any of them (try ``alpha=10``) makes the network
# underfit, with both losses high. In practice the strength is a
# hyper-parameter to search, e.g. with
# :class:`~sklearn.model_selection.GridSearchCV`.

plt.show()
