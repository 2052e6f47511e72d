"""
Choosing the learning rate (and the batch size)
===============================================

The learning rate sets how far each gradient-descent step moves the weights.
Too small and training crawls; too large and the steps overshoot, so the loss
jumps around instead of going down. This example trains
:class:`~skperceptron.DeepMLPClassifier` on the handwritten digits with plain
stochastic gradient descent at several rates, compares their loss curves, and
then lets :class:`~sklearn.model_selection.GridSearchCV` search the learning
rate and the mini-batch size together.
"""

# %%
# The digits and the network
# --------------------------
# 1,797 images of handwritten digits, 8 by 8 pixels with intensities 0 to 16,
# which we divide by 16 so that every input lies in [0, 1]. The network has
# one hidden layer of 32 tanh units and a softmax output over the ten digits.
# We use ``solver="sgd"`` with ``momentum=0``: each mini-batch of 64 images
# gives one step :math:`w \leftarrow w - \eta \nabla J(w)` and nothing else,
# so the learning rate :math:`\eta` (``learning_rate_init``) alone decides the
# step length.
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skperceptron import DeepMLPClassifier

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X = X / 16.0


def make_network(**params):
    """This example's network, plain SGD, with ``params`` on top."""
    return DeepMLPClassifier(
        hidden_layer_sizes=(32,),
        activation="tanh",
        solver="sgd",
        momentum=0.0,
        random_state=0,
        **params,
    )


def fit_quietly(estimator):
    """Fit ``estimator`` on the digits, without ConvergenceWarnings.

    Short training budgets are the point of this example, so the
    warning that a network could still improve with more epochs is
    expected noise here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        return estimator.fit(X, y)


# %%
# Four learning rates, fifty epochs each
# --------------------------------------
# Every run starts from the same initial weights (``random_state=0``) and
# sees the same mini-batches, so only the step length differs. Setting
# ``n_iter_no_change`` to the number of epochs keeps the runs from stopping
# early, so that every curve covers all fifty epochs.
learning_rates = {
    "0.001 (too small)": 0.001,
    "0.1": 0.1,
    "1.0 (about right)": 1.0,
    "2.0 (too large)": 2.0,
}
n_epochs = 50
curves = {}
print("    learning rate  loss, epoch 1  epoch 50  train accuracy")
for name, rate in learning_rates.items():
    net = fit_quietly(
        make_network(
            learning_rate_init=rate,
            batch_size=64,
            max_iter=n_epochs,
            n_iter_no_change=n_epochs,
        )
    )
    curves[name] = net.loss_curve_
    first, last = net.loss_curve_[0], net.loss_curve_[-1]
    accuracy = net.score(X, y)
    print(f"{name:>17} {first:14.2f} {last:9.3f} {accuracy:15.3f}")

# %%
# Too small, about right, too large
# ---------------------------------
# At 0.001 the loss falls steadily but so slowly that after fifty epochs the
# network still misclassifies many training digits: each step is a sound
# move downhill, only a tiny one. At 0.1 the same smooth curve goes much
# further, and at 1.0 it gets there in a few epochs. At 2.0 the steps
# overshoot: the loss starts far above the others, and even after it has
# come down it keeps jumping back up by a factor of several. The rate that
# works best here is only half the one that breaks training; this is common,
# and it is why the learning rate is the first hyper-parameter to tune. (A
# still larger rate can make the loss overflow altogether; see the end of
# this example.)
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
for name, curve in curves.items():
    epochs = np.arange(1, len(curve) + 1)
    ax.plot(epochs, curve, label=f"learning rate {name}")
ax.set_yscale("log")
ax.set_xlabel("Epoch")
ax.set_ylabel("Training loss J(w) (log scale)")
ax.set_title("SGD on the digits: loss_curve_ at four rates")
fig.legend(loc="outside lower center", ncols=2)
fig.savefig(FIGURES / "plot_learning_rate_curves.png")

# %%
# Searching learning rate and batch size together
# -----------------------------------------------
# The best learning rate depends on the batch size. A mini-batch gradient is
# an average over the batch, so a larger batch gives a less noisy step but
# fewer steps per epoch. With a fixed budget of 20 epochs, a batch of 256
# gets 5 steps per epoch where a batch of 16 gets 75. We let
# :class:`~sklearn.model_selection.GridSearchCV` try every pair and score
# each by 3-fold cross-validated accuracy, that is, on digits the network did
# not train on.
param_grid = {
    "learning_rate_init": [0.001, 0.01, 0.1, 1.0, 3.0],
    "batch_size": [16, 64, 256],
}
search = GridSearchCV(make_network(max_iter=20), param_grid, cv=3)
search = fit_quietly(search)
print(f"Best parameters: {search.best_params_}")
print(f"Cross-validated accuracy: {search.best_score_:.3f}")

# %%
# The heat map shows the mean accuracy of each pair. Along each column (one
# batch size), accuracy climbs with the learning rate and then falls off a
# cliff at 3.0. The larger the batch, the more a small rate suffers, because
# there are fewer steps to add up. Small batches with a large rate are
# fastest on this budget, just short of the cliff; the red frame marks the
# pair the search picked.
rates = param_grid["learning_rate_init"]
batch_sizes = param_grid["batch_size"]
scores = np.full((len(rates), len(batch_sizes)), np.nan)
results = search.cv_results_
mean_scores = results["mean_test_score"]
for params, score in zip(results["params"], mean_scores):
    row = rates.index(params["learning_rate_init"])
    col = batch_sizes.index(params["batch_size"])
    scores[row, col] = score

fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
image = ax.imshow(
    scores, cmap="viridis", vmin=0, vmax=1, aspect="auto"
)
for (row, col), score in np.ndenumerate(scores):
    ax.text(
        col,
        row,
        f"{score:.2f}",
        ha="center",
        va="center",
        color="black" if score > 0.6 else "white",
    )
best_row = rates.index(search.best_params_["learning_rate_init"])
best_col = batch_sizes.index(search.best_params_["batch_size"])
ax.add_patch(
    plt.Rectangle(
        (best_col - 0.5, best_row - 0.5),
        1,
        1,
        fill=False,
        edgecolor="red",
        linewidth=2.5,
        label="best (search.best_params_)",
    )
)
fig.legend(loc="outside lower center")
ax.set_xticks(range(len(batch_sizes)), labels=batch_sizes)
ax.set_yticks(range(len(rates)), labels=rates)
ax.set_xlabel("batch_size")
ax.set_ylabel("learning_rate_init")
ax.set_title("Mean 3-fold CV accuracy after 20 epochs of SGD")
fig.colorbar(image, ax=ax, label="accuracy")
fig.savefig(FIGURES / "plot_learning_rate_grid.png")

# %%
# Past the edge: divergence
# -------------------------
# The log-loss of the output is capped: a probability is never taken below
# machine precision, so one sample adds at most about 36 (minus the log of
# machine epsilon) to the data term. That is why the rates above make the
# loss jump, not explode. The weights, however, can explode. At a rate of
# 1e8 each step throws them orders of magnitude further, and the loss
# follows them through its L2 penalty, :math:`\frac{\alpha}{2n} \lVert W
# \rVert^2` (``alpha=1e-4`` by default, :math:`n` samples per batch), which
# grows with the square of the weights: the loss recorded after each epoch
# is no longer the capped data term but this penalty, astronomically large.
# A step later the weights overflow and ``fit`` stops at once. What follows
# is scikit-learn's outcome. Without early stopping, scikit-learn's MLP would
# end with non-finite weights and raise a ``ValueError``; so does ``fit``
# here, keeping the weights it started from. With early stopping there is a
# best validation epoch to go back to: ``fit`` returns with its weights,
# ``validation_scores_`` ends with ``nan`` for the epoch that diverged, and a
# ``DivergenceWarning`` (a ``ConvergenceWarning``) says which settings to
# change. (NumPy reports the overflow itself as a ``RuntimeWarning``, which we
# silence.)
print("learning rate 1e8:")
runaway = make_network(learning_rate_init=1e8, batch_size=64, max_iter=n_epochs)
with np.errstate(over="ignore", invalid="ignore"):
    try:
        runaway.fit(X, y)
    except ValueError as error:
        sentence = str(error).split(" Training")[0]  # scikit-learn's words
        print(f"  without early stopping, {type(error).__name__}: {sentence}")
    runaway.set_params(early_stopping=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runaway.fit(X, y)
for warning in caught:
    message = str(warning.message).split(";")[0]
    print(f"  with early stopping, {type(warning.message).__name__}: {message}")
recorded = ", ".join(f"{score:.2f}" for score in runaway.validation_scores_)
print(f"  validation_scores_: [{recorded}]")
largest = max(np.abs(W).max() for W in runaway.coefs_)
print(f"  largest kept weight: {largest:.1e} (finite)")

plt.show()
