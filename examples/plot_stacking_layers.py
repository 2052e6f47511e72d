"""
Stacking layers: from a line to any shape
=========================================

A single perceptron can only draw a straight line. This example puts it next
to :class:`~skperceptron.DeepMLPClassifier` networks with one, two and three
hidden layers on two data sets that no line can separate, half-moons and
concentric circles, and draws the decision boundary each model learns with its
accuracy on held-out data.
"""

# %%
# Two problems a line cannot solve
# --------------------------------
# In the half-moons each class curls around the tip of the other; in the
# circles one class surrounds the other. We keep 30% of each data set aside
# to measure accuracy on points the models never trained on.
import os
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.datasets import make_circles, make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, PerceptronClassifier

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

CLASS_COLORS = {0: "tab:red", 1: "tab:blue"}
datasets = {
    "Half-moons": make_moons(n_samples=300, noise=0.25, random_state=0),
    "Circles": make_circles(n_samples=300, noise=0.15, factor=0.5, random_state=0),
}

# %%
# From zero to three hidden layers
# --------------------------------
# A hidden layer is a row of perceptrons that all look at the same inputs;
# the next layer takes *their* outputs as its inputs. Each hidden unit here
# uses the ReLU non-linearity :math:`\max(z, 0)`, which bends the plane along
# its own line :math:`z = 0`. The output neuron then combines these bent
# pieces into a boundary made of straight segments, with a corner wherever
# one of the units switches on or off. A further layer combines those shapes
# again, into more and finer pieces.
#
# A network with no hidden layer is the perceptron itself, so depth 0 is a
# :class:`~skperceptron.PerceptronClassifier` with the sigmoid activation
# (``DeepMLPClassifier`` needs at least one hidden layer). All networks are
# trained with Adam on the log-loss; each model sees standardised inputs.
models = {
    "no hidden layer\n(perceptron)": PerceptronClassifier(
        activation="sigmoid", eta0=0.1, random_state=0
    ),
    "1 hidden layer (8,)": DeepMLPClassifier(
        (8,), learning_rate_init=0.01, max_iter=500, random_state=0
    ),
    "2 hidden layers (16, 16)": DeepMLPClassifier(
        (16, 16), learning_rate_init=0.01, max_iter=500, random_state=0
    ),
    "3 hidden layers (32, 32, 32)": DeepMLPClassifier(
        (32, 32, 32), learning_rate_init=0.01, max_iter=500, random_state=0
    ),
}

# %%
# The decision boundaries
# -----------------------
# Each panel colours the plane by the model's probability of class 1 (blue);
# the black curve is where that probability is one half. Training points are
# dots, held-out points are triangles; the title gives the accuracy on the
# held-out points.
fig, axes = plt.subplots(
    len(datasets),
    len(models),
    figsize=(3.2 * len(models), 3.3 * len(datasets)),
    sharex="row",
    sharey="row",
    layout="constrained",
)
for row, (data_name, (X, y)) in zip(axes, datasets.items()):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    for ax, (model_name, model) in zip(row, models.items()):
        clf = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
        train_acc, test_acc = clf.score(X_train, y_train), clf.score(X_test, y_test)
        print(
            f"{data_name:>10} | {model_name.replace(chr(10), ' '):28}: "
            f"train {train_acc:.2f}, test {test_acc:.2f}"
        )
        surface = DecisionBoundaryDisplay.from_estimator(
            clf,
            X,
            response_method="predict_proba",
            cmap="RdBu",
            alpha=0.4,
            vmin=0,
            vmax=1,
            levels=11,
            eps=0.3,
            ax=ax,
        )
        DecisionBoundaryDisplay.from_estimator(
            clf,
            X,
            response_method="predict_proba",
            plot_method="contour",
            levels=[0.5],
            colors="black",
            linewidths=1.5,
            eps=0.3,
            ax=ax,
        )
        for X_part, y_part, marker, size, part in [
            (X_train, y_train, "o", 14, "training"),
            (X_test, y_test, "^", 26, "held-out"),
        ]:
            for label, color in CLASS_COLORS.items():
                ax.scatter(
                    *X_part[y_part == label].T,
                    c=color,
                    marker=marker,
                    s=size,
                    edgecolors="k",
                    linewidths=0.5,
                    label=f"class {label}, {part}",
                )
        ax.set_title(f"{model_name}\ntest accuracy {test_acc:.2f}", fontsize=10)
        ax.set_xlabel("")
        ax.set_ylabel("")
    row[0].set_ylabel(f"{data_name}\nfeature 2")
for ax in axes[-1]:
    ax.set_xlabel("feature 1")
fig.colorbar(surface.surface_, ax=axes, label="P(class 1)", shrink=0.8)
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=4)
fig.suptitle("Stacking layers: from a straight line to curved boundaries")
fig.savefig(FIGURES / "plot_stacking_layers_boundaries.png")

# %%
# Reading the grid
# ----------------
# The perceptron (left column) is stuck with a straight line and scores not
# much better than guessing on the circles. One hidden layer already bends
# the boundary: eight ReLU units draw a polygon around the inner circle,
# while on the half-moons they only manage a single bend. The interlocking
# tips of the half-moons take the two- and three-layer networks. More layers
# are not automatically better on the held-out points, though: the extra
# capacity can follow noise in the training data as readily as the real
# shape, which is where overfitting starts.

plt.show()
