"""L-BFGS fits on one BLAS thread against the BLAS's default threads.

What the Performance page says about L-BFGS comes from here. Each repeat fits,
in a rotated order, W1's L-BFGS (digits, one hidden layer of 100 units,
``max_iter=200``) four ways: skperceptron as shipped (one BLAS thread for a
problem this small), skperceptron with the BLAS's default threads, and
scikit-learn with its default threads and on one thread. It prints the wall
and CPU seconds of each (median, lowest-highest) and the ratios within each
repeat. ``--grid`` instead fits skperceptron on problems of several sizes
and shapes (``max_iter=50``): with no limit, with its large-problem rule
(NumPy's BLAS keeps its threads, SciPy's runs on one) and all on one thread.

Run ``python benchmarks/bench_lbfgs_threads.py`` (``--repeats N``, ``--grid``).
"""

import argparse
import contextlib
import functools
import statistics
import time
import warnings
from pathlib import Path

from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skperceptron import DeepMLPClassifier, _fitting, _mlp

W1 = dict(hidden_layer_sizes=(100,), solver="lbfgs", max_iter=200, random_state=0)
# (n_samples, n_features, hidden layers) of the --grid problems
GRID = [
    (500, 64, (100,)),
    (1347, 64, (30,)),
    (1347, 64, (100,)),
    (1347, 64, (256,)),
    (3000, 64, (100,)),
    (10000, 64, (100,)),
    (500, 784, (100,)),
    (2000, 784, (100,)),
    (2000, 100, (256, 256)),
]


def _threads_as(mode):
    """The context a fit runs in for ``mode`` (see ``MODES``)."""
    if mode == "one thread":
        return threadpool_limits(1, user_api="blas")
    return contextlib.nullcontext()


# how a fit chooses its BLAS threads: skperceptron's rule as shipped, its
# large-problem rule at every size (NumPy's BLAS keeps its threads, SciPy's
# runs on one), no limit at all, or every BLAS on one thread
MODES = {
    "shipped": None,
    "numpy threads": lambda n_samples, units: _fitting._one_thread(
        _fitting._not_numpys(_fitting._blas_libraries())
    ),
    "default threads": lambda n_samples, units: contextlib.nullcontext(),
    "one thread": None,
}


def timed_fit(make_model, X, y, mode="shipped"):
    """Wall and CPU seconds of one fit, its BLAS threads chosen by ``mode``."""
    rule = MODES[mode] or _fitting.lbfgs_blas_threads
    saved, _mlp.lbfgs_blas_threads = _mlp.lbfgs_blas_threads, rule
    try:
        with _threads_as(mode):
            wall, cpu = time.perf_counter(), time.process_time()
            make_model().fit(X, y)
            return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        _mlp.lbfgs_blas_threads = saved


def spread(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def interleaved(cases, repeats):
    """Run every case once per repeat, rotating their order; (wall, cpu) lists."""
    names, times = list(cases), {name: [] for name in cases}
    for case in cases.values():
        case()  # warm-up
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(cases[name]())
    return times


def w1(repeats):
    X, y = load_digits(return_X_y=True)
    X, _, y, _ = train_test_split(X, y, random_state=0)
    X = StandardScaler().fit_transform(X)
    ours, theirs = lambda: DeepMLPClassifier(**W1), lambda: MLPClassifier(**W1)
    cases = {
        "skperceptron": lambda: timed_fit(ours, X, y),
        "skperceptron, default threads": lambda: timed_fit(
            ours, X, y, "default threads"
        ),
        "scikit-learn": lambda: timed_fit(theirs, X, y),
        "scikit-learn, 1 thread": lambda: timed_fit(theirs, X, y, "one thread"),
    }
    times = interleaved(cases, repeats)
    print("| W1 L-BFGS fit | wall s | CPU s |\n|---|---|---|")
    for name, samples in times.items():
        wall, cpu = zip(*samples)
        print(f"| {name} | {spread(wall)} | {spread(cpu)} |")
    wall = {name: [w for w, _ in samples] for name, samples in times.items()}
    for ours_name, their_name in [
        ("skperceptron", "scikit-learn"),
        ("skperceptron, default threads", "scikit-learn"),
        ("skperceptron", "scikit-learn, 1 thread"),
    ]:
        ratios = [a / b for a, b in zip(wall[ours_name], wall[their_name])]
        print(f"| {ours_name} / {their_name} | {spread(ratios)} | |")


GRID_MODES = ("default threads", "numpy threads", "one thread")


def grid_problem(n_samples, n_features):
    X, y = make_classification(
        n_samples,
        n_features,
        n_informative=min(n_features, 30),
        n_classes=10,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def grid(repeats):
    """Wall seconds of fits in each of ``GRID_MODES``, over the ``GRID`` sizes."""
    print(
        "| samples x features, hidden | samples x weights | "
        + " | ".join(f"{mode} s" for mode in GRID_MODES)
        + " |"
    )
    print("|---" * (2 + len(GRID_MODES)) + "|")
    for n_samples, n_features, hidden in GRID:
        X, y = grid_problem(n_samples, n_features)
        params = dict(hidden_layer_sizes=hidden, solver="lbfgs", max_iter=50)
        make = lambda: DeepMLPClassifier(random_state=0, **params)  # noqa: E731
        times = interleaved(
            {
                mode: functools.partial(timed_fit, make, X, y, mode)
                for mode in GRID_MODES
            },
            repeats,
        )
        units = [n_features, *hidden, 10]
        size = n_samples * sum(a * b for a, b in zip(units[:-1], units[1:]))
        cells = [spread([wall for wall, _ in times[mode]]) for mode in GRID_MODES]
        print(
            f"| {n_samples} x {n_features}, {hidden} | {size / 1e6:.1f}M | "
            + " | ".join(cells)
            + " |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(f"skperceptron imported from {Path(_fitting.__file__).parent}\n")
    (grid if args.grid else w1)(args.repeats)


if __name__ == "__main__":
    main()
