"""
Will I pass this class? A single perceptron
===========================================

A perceptron is the smallest neural network: it weighs its inputs, adds a
bias and passes the sum through a non-linearity. This example asks it whether
a student passes a course, given two numbers: the lectures they attended and
the hours they spent on the final project. We fit Rosenblatt's step neuron and
the smooth sigmoid neuron with :class:`~skperceptron.PerceptronClassifier`,
read off their weights and bias, and draw the line one draws between "pass"
and "fail" and the probability surface the other draws.
"""

# %%
# The data
# --------
# Two hundred made-up students. Each attended between 0 and 12 lectures and
# spent between 0 and 20 hours on the final project. Whether they passed
# follows a noisy linear rule: a lecture counts twice as much as an hour of
# project work, and luck (exam-day nerves, a good night's sleep) adds a random
# term. Because of that noise no straight line separates the two groups
# perfectly, just as with real students.
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skperceptron import PerceptronClassifier

FIGURES = Path(os.environ.get("SKPERCEPTRON_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

rng = np.random.RandomState(0)
n_students = 200
lectures = rng.randint(0, 13, n_students)
hours = rng.uniform(0, 20, n_students)
luck = rng.normal(0, 1.0, n_students)
passed = (0.7 * lectures + 0.35 * hours - 8 + luck > 0).astype(int)

X = np.column_stack([lectures, hours]).astype(float)
y = passed
feature_names = ["Lectures attended", "Hours on the final project"]
print(f"{n_students} students, {y.mean():.0%} passed")

# %%
# One neuron: z = w·x + b, then g(z)
# ----------------------------------
# The perceptron computes a single number per student,
#
# .. math:: z = w_1 x_1 + w_2 x_2 + b,
#
# a weighted sum of the inputs plus a bias, and outputs :math:`g(z)`. Two
# choices of the non-linearity :math:`g` give two classic neurons:
#
# * ``activation="step"``: :math:`g(z)` is 1 when :math:`z > 0` and 0
#   otherwise. This is Rosenblatt's perceptron; it learns by nudging the
#   weights towards every student it gets wrong.
# * ``activation="sigmoid"``: :math:`g(z) = 1 / (1 + e^{-z})`, a smooth step
#   from 0 to 1 read as the probability of passing. It learns by gradient
#   descent on the log-loss, so it can also say *how sure* it is.
#
# Lectures and hours have different ranges, so we put a
# :class:`~sklearn.preprocessing.StandardScaler` in front of the neuron: on
# inputs with mean 0 and variance 1, one learning rate ``eta0`` suits both
# weights.
step = make_pipeline(
    StandardScaler(),
    PerceptronClassifier(activation="step", batch_size=1, random_state=0),
).fit(X, y)
sigmoid = make_pipeline(
    StandardScaler(),
    PerceptronClassifier(activation="sigmoid", eta0=0.1, random_state=0),
).fit(X, y)

# %%
# What the neurons learned
# ------------------------
# The weights live in standardised units. Undoing the scaling turns each
# neuron back into a rule on the raw numbers, "pass when
# :math:`w_1 \cdot \text{lectures} + w_2 \cdot \text{hours} + b > 0`", which
# we can compare with the rule that made the data (0.7 per lecture, 0.35 per
# hour, minus 8). The decision line is where :math:`z = 0`; its slope depends
# only on the ratio of the weights, so both neurons should find a lecture
# worth about two hours of project work. Only the ratio is comparable: the
# step neuron's output does not change if all its weights are doubled, and
# the sigmoid's scale reflects how noisy the outcomes are. On data that no
# line separates, Rosenblatt's rule never settles (it keeps reacting to the
# last student it got wrong), so the step neuron's weights depend on when it
# stopped; here we use its classic form, one student per update
# (``batch_size=1``). The sigmoid neuron instead descends a smooth, bowl-shaped
# loss towards its single lowest point.
for name, model in [("step", step), ("sigmoid", sigmoid)]:
    scaler, neuron = model[0], model[-1]
    w, b = neuron.coef_[0], neuron.intercept_[0]
    w_raw = w / scaler.scale_
    b_raw = b - w_raw @ scaler.mean_
    print(
        f"{name}: w = {np.round(w, 3)}, b = {b:.3f} (standardised)\n"
        f"  z = {w_raw[0]:.3f} * lectures + {w_raw[1]:.3f} * hours "
        f"{b_raw:+.3f}\n"
        f"  one lecture = {w_raw[0] / w_raw[1]:.2f} hours; "
        f"training accuracy {model.score(X, y):.2f}"
    )

# %%
# The decision line and the probability surface
# ----------------------------------------------
# On the left, the step neuron splits the plane into a "fail" half and a
# "pass" half along its line :math:`z = 0` (black): all it can say is on
# which side of the line a student falls. On the right, the sigmoid neuron
# colours the plane by the probability of passing. Its 0.5 contour is its
# decision line, and the probability fades gradually across it: the students
# near the line, where luck decided, get probabilities near one half.
fig, (ax_step, ax_sigmoid) = plt.subplots(
    1, 2, figsize=(11, 4.5), sharey=True, layout="constrained"
)
DecisionBoundaryDisplay.from_estimator(
    step,
    X,
    response_method="predict",
    cmap="RdBu",
    alpha=0.3,
    eps=0.5,
    xlabel=feature_names[0],
    ylabel=feature_names[1],
    ax=ax_step,
)
DecisionBoundaryDisplay.from_estimator(
    step,
    X,
    response_method="decision_function",
    plot_method="contour",
    levels=[0],
    colors="black",
    linewidths=1.5,
    eps=0.5,
    ax=ax_step,
)
ax_step.set_title("Step neuron: a line between fail and pass")
proba = DecisionBoundaryDisplay.from_estimator(
    sigmoid,
    X,
    response_method="predict_proba",
    cmap="RdBu",
    alpha=0.6,
    eps=0.5,
    levels=np.linspace(0, 1, 11),
    xlabel=feature_names[0],
    ylabel="",
    ax=ax_sigmoid,
)
DecisionBoundaryDisplay.from_estimator(
    sigmoid,
    X,
    response_method="predict_proba",
    plot_method="contour",
    levels=[0.5],
    colors="black",
    linewidths=1.5,
    eps=0.5,
    ax=ax_sigmoid,
)
ax_sigmoid.set_title("Sigmoid neuron: probability of passing")
fig.colorbar(proba.surface_, ax=ax_sigmoid, label="P(pass)")
for ax in (ax_step, ax_sigmoid):
    ax.scatter(*X[y == 0].T, c="C3", marker="x", s=25, label="Failed")
    ax.scatter(
        *X[y == 1].T,
        c="C0",
        marker="o",
        s=25,
        edgecolors="k",
        linewidths=0.5,
        label="Passed",
    )
fig.legend(*ax_step.get_legend_handles_labels(), loc="outside lower center", ncols=2)
fig.savefig(FIGURES / "plot_perceptron_boundaries.png")

# %%
# Everything goes through z
# -------------------------
# The neuron never looks at the two inputs separately: it squeezes each
# student into the single number :math:`z` and passes that through
# :math:`g`. Plotting each student's outcome against their :math:`z` (from
# the sigmoid neuron) shows the whole model at once: the sigmoid curve
# :math:`g(z)` rising from "surely fails" to "surely passes", and the step
# function that the step neuron would apply to the same :math:`z`. Failures
# to the right of zero and passes to its left are the students the straight
# line cannot get right.
z = sigmoid.decision_function(X)
z_line = np.linspace(z.min() - 0.5, z.max() + 0.5, 300)
jitter = rng.uniform(-0.04, 0.04, n_students)

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.plot(z_line, 1 / (1 + np.exp(-z_line)), color="k", label="sigmoid g(z)")
ax.step(
    z_line,
    (z_line > 0).astype(float),
    color="grey",
    linestyle="--",
    where="post",
    label="step g(z)",
)
ax.scatter(
    z[y == 0], y[y == 0] + jitter[y == 0], c="C3", marker="x", s=20, label="Failed"
)
ax.scatter(
    z[y == 1],
    y[y == 1] + jitter[y == 1],
    c="C0",
    marker="o",
    s=20,
    edgecolors="k",
    linewidths=0.5,
    label="Passed",
)
ax.set_xlabel("z = w·x + b (sigmoid neuron, standardised inputs)")
ax.set_ylabel("g(z), and outcome (0 = fail, 1 = pass)")
ax.set_title("The neuron's view of each student")
ax.legend(loc="center right")
fig.savefig(FIGURES / "plot_perceptron_neuron.png")

plt.show()
