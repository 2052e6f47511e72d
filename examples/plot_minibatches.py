"""
Mini-batches: noisy steps, fewer epochs, faster matrix products
===============================================================

Gradient descent needs the gradient of the loss J(w) over the whole training
set, but one update does not have to wait for all of it: a mini-batch of B
samples gives an estimate. This example trains the same network on the digits
data with batches of 8, 32 and 128 samples and with the full training set, and
measures three things: how noisy the loss is when it is updated batch by batch,
how many epochs (passes over the data) and updates each batch size needs to
reach a given training loss, and how long one epoch takes.
"""

# %%
# The data and the network
# ------------------------
# The 8x8 digit images (64 pixel features, 10 classes) ship with
# scikit-learn. We keep 1280 images for training, a number that 8, 32 and 128
# divide, so every epoch is made of whole batches, and standardise the pixels.
# Every model is the same network: one hidden layer of 64 ReLU units, trained
# by Adam at the same learning rate for at most 60 epochs (enough to reach the
# loss we time below; we silence the warning that the last model is still
# improving then); only ``batch_size`` changes.
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=1280, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
n_train = X_train.shape[0]
classes = np.unique(y_train)

BATCH_SIZES = [8, 32, 128, n_train]
LABELS = {b: ("full batch" if b == n_train else f"B = {b}") for b in BATCH_SIZES}


def make_network(batch_size, seed):
    return DeepMLPClassifier(
        hidden_layer_sizes=(64,),
        batch_size=batch_size,
        learning_rate_init=0.01,
        max_iter=60,
        random_state=seed,
    )


# %%
# One update at a time
# --------------------
# The gradient of a mini-batch is the *average* of the B per-sample
# gradients. Its expectation is the full gradient, and its spread around it
# shrinks like :math:`1/\sqrt{B}`: a small batch points roughly downhill, a
# large one points almost exactly downhill.
#
# To watch single updates we feed the network one batch at a time with
# ``partial_fit`` (one call = one gradient step here, because each call gets
# exactly ``batch_size`` samples; the optimizer's state carries over between
# calls). After each step we record two losses: the loss on the batch the step
# was computed from (what the optimizer sees, available as ``loss_``) and the
# loss on the whole training set (what we want to minimise).
N_EPOCHS = 3
class_index = np.searchsorted(classes, y_train)


def training_loss(clf):
    """Mean log-loss of the training set: -log of each true class's probability."""
    proba = clf.predict_proba(X_train)  # (n_train, n_classes)
    true_class = proba[np.arange(n_train), class_index]  # (n_train,)
    return -np.mean(np.log(np.clip(true_class, 1e-15, 1.0)))


def train_step_by_step(batch_size, seed=0):
    """Loss of each batch, and of the training set, at the weights of every step.

    ``loss_`` after a ``partial_fit`` call is the loss of its batch at the
    weights the step started from; the training-set loss is evaluated after
    the step. Both are returned against the samples seen by those weights.
    """
    clf = make_network(batch_size, seed)
    rng = np.random.RandomState(seed)
    batch_loss, full_loss = [], []
    for _ in range(N_EPOCHS):
        order = rng.permutation(n_train)
        for start in range(0, n_train, batch_size):
            rows = order[start : start + batch_size]
            clf.partial_fit(X_train[rows], y_train[rows], classes=classes)
            batch_loss.append(clf.loss_)
            full_loss.append(training_loss(clf))
    seen = np.arange(len(full_loss) + 1) * batch_size / n_train
    return seen[:-1], np.array(batch_loss), seen[1:], np.array(full_loss)


steps = {b: train_step_by_step(b) for b in BATCH_SIZES}

fig, axes = plt.subplots(
    1, len(BATCH_SIZES), figsize=(13, 3.6), sharey=True, layout="constrained"
)
for ax, b in zip(axes, BATCH_SIZES):
    batch_seen, batch_loss, full_seen, full_loss = steps[b]
    marker = "o" if b == n_train else None
    ax.plot(
        batch_seen,
        batch_loss,
        color="C1",
        lw=0.8,
        marker=marker,
        label="loss of the batch",
    )
    ax.plot(
        full_seen,
        full_loss,
        color="C0",
        lw=2,
        marker=marker,
        label="loss of the training set",
    )
    ax.set_yscale("log")
    ax.set_xlabel("epochs (samples seen / training set size)")
    n_updates = n_train // b
    ax.set_title(f"{LABELS[b]}: {n_updates} update{'s' * (n_updates > 1)} per epoch")
axes[0].set_ylabel("log-loss (log scale)")
axes[0].legend(loc="lower left")
fig.suptitle("Loss after each gradient step, first three epochs")
fig.savefig(FIGURES / "plot_minibatches_steps.png")

for b in BATCH_SIZES:
    full_seen, full_loss = steps[b][2:]
    print(
        f"{LABELS[b]:>10}: {len(full_seen):4d} updates in {N_EPOCHS} epochs, "
        f"training-set loss {full_loss[-1]:.3f}"
    )

# %%
# With B = 8 the batch loss (orange) jumps by an order of magnitude from one
# step to the next: eight samples say little about the other 1272, and the
# training-set loss (blue) wobbles because some steps follow an unlucky
# batch uphill. Yet it falls fastest *per epoch*, because one epoch holds 160
# updates. As B grows the orange curve hugs the blue one; with the full batch
# they are the same curve (the batch *is* the training set), and the steps
# are exact but rare: three in three epochs, leaving the loss above 1.
# Noise per step versus number of steps is the trade-off the batch size sets.

# %%
# Epochs, updates and time to converge
# ------------------------------------
# Now each batch size trains with ``fit``, from three random initialisations.
# We read, from the fitted attributes:
#
# * ``loss_curve_``: the first epoch whose training loss is below 0.05;
# * that number of epochs times the updates per epoch (``n_train / B``);
# * ``history_["seconds"]``: the wall-clock time of each epoch. We keep the
#   fastest epoch of each fit, the one least disturbed by other programs on
#   the machine, and multiply it by the epochs needed to estimate the time to
#   reach the target loss.
TARGET_LOSS = 0.05
SEEDS = [0, 1, 2]


def epochs_to_target(loss_curve):
    below = np.flatnonzero(np.asarray(loss_curve) < TARGET_LOSS)
    return below[0] + 1 if below.size else np.nan


results = {
    b: {key: [] for key in ("epochs", "updates", "ms", "to_target", "accuracy")}
    for b in BATCH_SIZES
}
for b in BATCH_SIZES:
    for seed in SEEDS:
        clf = make_network(b, seed).fit(X_train, y_train)
        n_epochs = epochs_to_target(clf.loss_curve_)
        epoch_ms = 1e3 * min(clf.history_["seconds"])
        results[b]["epochs"].append(n_epochs)
        results[b]["updates"].append(n_epochs * n_train / b)
        results[b]["ms"].append(epoch_ms)
        results[b]["to_target"].append(n_epochs * epoch_ms)
        results[b]["accuracy"].append(clf.score(X_test, y_test))

print(
    f"\n{'batch':>10} {'epochs':>7} {'updates':>8} {'ms/epoch':>9} "
    f"{'ms to target':>13} {'test acc.':>10}"
)
for b in BATCH_SIZES:
    median = {key: np.median(values) for key, values in results[b].items()}
    print(
        f"{LABELS[b]:>10} {median['epochs']:7.0f} {median['updates']:8.0f} "
        f"{median['ms']:9.1f} {median['to_target']:13.0f} "
        f"{median['accuracy']:10.3f}"
    )

# %%
# One bar per batch size and quantity; the bar and the number above it are
# the median over the three seeds, the black ticks the individual seeds.
panels = [
    ("epochs", f"epochs to training loss < {TARGET_LOSS}"),
    ("updates", "gradient updates to that loss"),
    ("ms", "milliseconds per epoch (fastest)"),
    ("to_target", "milliseconds to that loss"),
]
positions = np.arange(len(BATCH_SIZES))
fig, axes = plt.subplots(1, len(panels), figsize=(14, 3.8), layout="constrained")
for ax, (key, title) in zip(axes, panels):
    values = np.array([results[b][key] for b in BATCH_SIZES], dtype=float)
    medians = np.median(values, axis=1)
    ax.bar(positions, medians, color=[f"C{i}" for i in positions])
    for i, row in enumerate(values):
        ax.plot(np.full(len(row), i), row, "k_", markersize=14)
        ax.annotate(
            f"{medians[i]:.2g}" if medians[i] < 10 else f"{medians[i]:.0f}",
            (i, row.max()),
            xytext=(0, 5),
            textcoords="offset points",
            ha="center",
        )
    ax.set_xticks(positions, [LABELS[b] for b in BATCH_SIZES])
    ax.set_ylim(0, 1.18 * values.max())
    ax.set_title(title)
    ax.set_xlabel("batch size")
axes[0].set_ylabel("median over 3 seeds")
fig.suptitle("What the batch size costs (digits, 64 hidden units, Adam, lr = 0.01)")
fig.savefig(FIGURES / "plot_minibatches_cost.png")

# %%
# Reading the bars from left to right:
#
# * **Epochs** rise with the batch size: fewer, more accurate steps per pass
#   over the data make less progress per pass.
# * **Updates** fall with the batch size: each averaged gradient is worth more,
#   so fewer of them are needed.
# * **Milliseconds per epoch** fall steeply from B = 8 to B = 128, then level
#   off. An epoch computes the same number of per-sample gradients whatever
#   B is, but with B = 8 it does so in 160 rounds of small matrix products,
#   each paying Python and call overhead, while the full batch needs one
#   round of products with (1280, 64) matrices, which the BLAS library runs
#   with vectorised (and, on several cores, parallel) arithmetic. This is
#   why GPUs like large batches.
# * **Time to the target** combines both: the middle sizes win here, the
#   usual reason for batch sizes of a few dozen to a few hundred.
#
# Timings depend on the machine and on what else runs on it; the epoch and
# update counts do not. Test accuracy is about the same (0.97-0.98) for every
# batch size, so on this small problem the batch size is a question of speed.
# A larger batch also tolerates a larger learning rate, which this comparison
# deliberately keeps fixed.

plt.show()
