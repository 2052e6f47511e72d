"""L-BFGS fits on one BLAS thread against the BLAS's default threads.

What the Performance page says about L-BFGS comes from here. Each repeat fits,
in a rotated order, W1's L-BFGS (digits, one hidden layer of 100 units,
``max_iter=200``) four ways: skperceptron as shipped (one BLAS thread for a
problem this small), skperceptron with the BLAS's default threads, and
scikit-learn with its default threads and on one thread. It prints the wall
and CPU seconds of each (median, lowest-highest) and the ratios within each
repeat. ``--grid`` instead fits skperceptron on problems of several sizes
and shapes (``max_iter=50``), on one thread and on the default threads.

Run ``python benchmarks/bench_lbfgs_threads.py`` (``--repeats N``, ``--grid``).
"""

import argparse
import statistics
import time
import warnings

from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skperceptron import DeepMLPClassifier, _fitting

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


def timed_fit(make_model, X, y, blas_threads=None, ours_limit=True):
    """Wall and CPU seconds of one fit, under an optional BLAS thread limit."""
    saved = _fitting.LBFGS_ONE_THREAD_MAX_SIZE
    _fitting.LBFGS_ONE_THREAD_MAX_SIZE = saved if ours_limit else 0
    try:
        with threadpool_limits(blas_threads, user_api="blas"):
            wall, cpu = time.perf_counter(), time.process_time()
            make_model().fit(X, y)
            return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        _fitting.LBFGS_ONE_THREAD_MAX_SIZE = saved


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
        "skperceptron, default threads": lambda: timed_fit(ours, X, y, None, False),
        "scikit-learn": lambda: timed_fit(theirs, X, y),
        "scikit-learn, 1 thread": lambda: timed_fit(theirs, X, y, 1),
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


def grid(repeats):
    print(
        "| samples x features, hidden | samples x weights | 1 thread s | "
        "default s | default / 1 thread |\n|---|---|---|---|---|"
    )
    for n_samples, n_features, hidden in GRID:
        X, y = make_classification(
            n_samples,
            n_features,
            n_informative=min(n_features, 30),
            n_classes=10,
            random_state=0,
        )
        X = StandardScaler().fit_transform(X)
        params = dict(hidden_layer_sizes=hidden, solver="lbfgs", max_iter=50)
        make = lambda: DeepMLPClassifier(random_state=0, **params)  # noqa: E731
        times = interleaved(
            {
                "one": lambda: timed_fit(make, X, y, 1),
                "default": lambda: timed_fit(make, X, y, None, False),
            },
            repeats,
        )
        one, default = ([w for w, _ in times[k]] for k in ("one", "default"))
        units = [n_features, *hidden, 10]
        size = n_samples * sum(a * b for a, b in zip(units[:-1], units[1:]))
        ratios = [d / o for d, o in zip(default, one)]
        print(
            f"| {n_samples} x {n_features}, {hidden} | {size / 1e6:.1f}M | "
            f"{spread(one)} | {spread(default)} | {spread(ratios)} |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    (grid if args.grid else w1)(args.repeats)


if __name__ == "__main__":
    main()
