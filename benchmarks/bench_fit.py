"""skperceptron against scikit-learn (and PyTorch, when installed), side by side.

Method
------
Every workload trains each system on the same data with the same
hyper-parameters, in this one process. A *repeat* times every system once, in
an order rotated from repeat to repeat, so that slow spells of a shared machine
fall on all systems alike; a fit shorter than 0.2 s is run once to warm up,
then back to back until 0.2 s have passed, and averaged. The ratios (ours /
scikit-learn, ours / PyTorch) are taken within each repeat, and the tables
print their median with the spread (lowest-highest) over the repeats.

For the mini-batch networks each repeat also times the "GEMM floor": the
forward and backward matrix products of one training step at the exact shapes,
back to back, as the median of several samples, times the number of steps in
an epoch. Nothing that trains the network can be faster on this BLAS, so
"x floor" (seconds per epoch over the floor of the same repeat) says how much
time goes elsewhere: element-wise passes, Python, memory traffic.

Run ``python benchmarks/bench_fit.py`` (5 repeats), ``--quick`` (3 repeats),
``--repeats N``, ``--only W2,W4s`` to pick workloads, and ``--write-docs`` to
also rewrite the tables and the figure of ``docs/performance.rst``. It times
the skperceptron that Python imports (``pip install -e .`` for this checkout);
the first line printed says which one.

Adding a workload means one builder returning ``Workload`` records and one line
in ``WORKLOADS``. W6 is ``bench_search.py``'s W6 grid search: there our
stacked ``GridSearchCV`` against scikit-learn's over ``MLPClassifier``, with
the other searches of that file.
"""

import argparse
import gc
import os
import statistics
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field

import bench_search
import numpy as np
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

import skperceptron
from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

try:  # torch is never a dependency; compare against it only when present
    import torch
except ImportError:
    torch = None

OURS, SKLEARN, TORCH = "skperceptron", "scikit-learn", "torch"
MIN_SECONDS = 0.2  # shorter fits are repeated back to back and averaged


@dataclass
class Workload:
    """One table row: systems to time against each other, and maybe a floor.

    ``systems`` maps a system name to a callable returning ``(seconds, score,
    model)`` for one timed fit; ``floor``, when given, returns the GEMM floor
    of one epoch in seconds, and ``epochs`` is the number of epochs a fit runs.
    """

    name: str
    systems: dict
    floor: object = None
    epochs: int = None


@dataclass
class Measured:
    """The times of every repeat, per system, and the floor of each repeat."""

    workload: Workload
    times: dict = field(default_factory=dict)
    floors: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)

    def ratios(self, system, reference=OURS):
        """``reference`` over ``system``, repeat by repeat."""
        return [a / b for a, b in zip(self.times[reference], self.times[system])]

    def floor_ratios(self, system):
        """Seconds per epoch of ``system`` over the floor, repeat by repeat."""
        epochs = self.workload.epochs
        return [t / epochs / f for t, f in zip(self.times[system], self.floors)]


# -- data ---------------------------------------------------------------------


def standardised_split(X, y, dtype=np.float64, seed=0):
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return (
        scaler.transform(X_train).astype(dtype),
        scaler.transform(X_test).astype(dtype),
        y_train,
        y_test,
    )


# -- timing -------------------------------------------------------------------


def timed(run):
    """Seconds per call of ``run()`` and its value.

    A call shorter than ``MIN_SECONDS`` counts as a warm-up: the calls after
    it are repeated until ``MIN_SECONDS`` have passed and averaged.
    """
    gc.collect()
    start = time.perf_counter()
    value = run()
    seconds = time.perf_counter() - start
    if seconds >= MIN_SECONDS:
        return seconds, value
    n_calls, start = 0, time.perf_counter()
    while True:
        value = run()
        n_calls += 1
        seconds = time.perf_counter() - start
        if seconds >= MIN_SECONDS:
            return seconds / n_calls, value


def fit_system(make_model, data, score_on="test"):
    """A system: one timed fit of ``make_model()``, scored on test or train data."""
    X_train, X_test, y_train, y_test = data

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return make_model().fit(X_train, y_train)

    def run():
        seconds, model = timed(fit)
        X, y = (X_test, y_test) if score_on == "test" else (X_train, y_train)
        return seconds, model.score(X, y), model

    return run


def mlp_systems(ours, theirs, data, **params):
    return {
        OURS: fit_system(lambda: ours(**params), data),
        SKLEARN: fit_system(lambda: theirs(**params), data),
    }


def measure(workload, repeats):
    """Time every system once per repeat, rotating their order, with the floor."""
    measured = Measured(workload, times={name: [] for name in workload.systems})
    names = list(workload.systems)
    for repeat in range(repeats):
        if workload.floor is not None:
            measured.floors.append(workload.floor())
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, score, model = workload.systems[name]()
            measured.times[name].append(seconds)
            measured.scores[name], measured.models[name] = score, model
    return measured


def gemm_step(layer_units, batch_size, dtype):
    """A callable making the matrix products of one training step, and no more.

    The forward products, then for each layer the weight gradient's product
    and (below the first layer) the error's, at the network's exact shapes.
    """
    rng = np.random.default_rng(0)
    weights = [
        rng.standard_normal((a, b)).astype(dtype)
        for a, b in zip(layer_units, layer_units[1:])
    ]
    acts = [rng.standard_normal((batch_size, u)).astype(dtype) for u in layer_units]
    grads = [np.empty_like(W) for W in weights]

    def one_step():
        for i, W in enumerate(weights):
            np.matmul(acts[i], W, out=acts[i + 1])
        for i, W in enumerate(weights):
            np.matmul(acts[i].T, acts[i + 1], out=grads[i])
            if i > 0:
                np.matmul(acts[i + 1], W.T, out=acts[i])

    return one_step


def gemm_floor(layer_units, batch_size, n_samples, dtype, n_samples_timed=7):
    """A callable timing the matrix products of an epoch (median of samples)."""
    one_step = gemm_step(layer_units, batch_size, dtype)
    steps_per_epoch = int(np.ceil(n_samples / batch_size))

    def ten_steps():
        for _ in range(10):
            one_step()

    def floor():
        samples = [timed(ten_steps)[0] / 10 for _ in range(n_samples_timed)]
        return statistics.median(samples) * steps_per_epoch

    return floor


# -- PyTorch --------------------------------------------------------------------


def torch_system(data, hidden, batch_size, epochs, dtype):
    """Adam on the same network in PyTorch (CPU): a system like the others."""
    X_train, X_test, y_train, y_test = data
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    Xt = torch.from_numpy(np.ascontiguousarray(X_train, dtype=dtype))
    yt = torch.from_numpy(y_train).long()
    n_out = len(np.unique(y_train))

    def run():
        torch.manual_seed(0)
        net = torch_mlp([X_train.shape[1], *hidden, n_out], tdtype)
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=0)
        loss_fn = torch.nn.CrossEntropyLoss()
        gc.collect()
        start = time.perf_counter()
        for _ in range(epochs):
            permutation = torch.randperm(len(Xt))
            for i in range(0, len(Xt), batch_size):
                batch = permutation[i : i + batch_size]
                optimizer.zero_grad()
                loss_fn(net(Xt[batch]), yt[batch]).backward()
                optimizer.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            out = net(torch.from_numpy(np.ascontiguousarray(X_test, dtype=dtype)))
        return seconds, float((out.argmax(1).numpy() == y_test).mean()), None

    return run


def torch_mlp(units, tdtype):
    layers = []
    for a, b in zip(units[:-2], units[1:-1]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(units[-2], units[-1]))
    return torch.nn.Sequential(*layers).to(tdtype)


# -- workloads ------------------------------------------------------------------

STOCHASTIC = dict(tol=0.0, n_iter_no_change=np.inf, random_state=0)


def workload_w1():
    X, y = load_digits(return_X_y=True)
    data = standardised_split(X, y)
    adam = dict(hidden_layer_sizes=(100,), batch_size=200, max_iter=100, **STOCHASTIC)
    lbfgs = dict(
        hidden_layer_sizes=(100,), solver="lbfgs", max_iter=200, random_state=0
    )
    return [
        Workload(
            "W1 digits (100,) adam 100 ep",
            mlp_systems(DeepMLPClassifier, MLPClassifier, data, **adam),
            gemm_floor([64, 100, 10], 200, len(data[0]), np.float64),
            epochs=100,
        ),
        Workload(
            "W1 digits (100,) lbfgs max_iter=200",
            mlp_systems(DeepMLPClassifier, MLPClassifier, data, **lbfgs),
        ),
    ]


def w2_data(dtype):
    X, y = make_classification(
        n_samples=100_000,
        n_features=100,
        n_informative=50,
        n_classes=10,
        random_state=0,
    )
    return standardised_split(X, y, dtype=dtype)


def workload_w2(dtype):
    data, epochs = w2_data(dtype), 5
    params = dict(hidden_layer_sizes=(256, 256), batch_size=256, max_iter=epochs)
    systems = mlp_systems(
        DeepMLPClassifier, MLPClassifier, data, **params, **STOCHASTIC
    )
    if torch is not None:
        systems[TORCH] = torch_system(data, (256, 256), 256, epochs, dtype)
    return Workload(
        f"W2 100k x 100 (256, 256) adam 5 ep {np.dtype(dtype).name}",
        systems,
        gemm_floor([100, 256, 256, 10], 256, len(data[0]), dtype),
        epochs=epochs,
    )


def workload_w3():
    X, y = make_regression(n_samples=50_000, n_features=50, noise=10.0, random_state=0)
    data = standardised_split(X, (y - y.mean()) / y.std())
    params = dict(hidden_layer_sizes=(128, 64), batch_size=256, max_iter=10)
    return [
        Workload(
            "W3 50k x 50 (128, 64) adam 10 ep",
            mlp_systems(DeepMLPRegressor, MLPRegressor, data, **params, **STOCHASTIC),
            gemm_floor([50, 128, 64, 1], 256, len(data[0]), np.float64),
            epochs=10,
        )
    ]


def perceptron_systems(data, score_on="test", **params):
    return {
        OURS: fit_system(lambda: PerceptronClassifier(**params), data, score_on),
        SKLEARN: fit_system(lambda: Perceptron(**params), data, score_on),
    }


def workload_w4():
    X, y = make_classification(
        n_samples=250_000, n_features=100, n_informative=20, random_state=0
    )
    data = standardised_split(X, y, seed=0)
    data = (data[0][:200_000], data[1], data[2][:200_000], data[3])
    systems = perceptron_systems(data, max_iter=10, tol=None, random_state=0)
    return [Workload("W4 perceptron 200k x 100, 10 ep", systems)]


def workload_w4s():
    """The perceptron with every default, small data, scored on its training set."""
    workloads = []
    for n_samples in (1_000, 5_000, 20_000):
        X, y = make_classification(n_samples=n_samples, n_features=20, random_state=0)
        data = (X, None, y, None)
        workloads.append(
            Workload(
                f"W4s perceptron {n_samples // 1000}k x 20, defaults (train acc)",
                perceptron_systems(data, score_on="train"),
            )
        )
    return workloads


def workload_w6():
    """Our stacked grid search against scikit-learn's, scored on held-out digits."""
    X, y = load_digits(return_X_y=True)
    data = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    spec = bench_search.WORKLOADS["W6"]
    systems = {
        OURS: fit_system(lambda: bench_search.make_search("stacked", spec), data),
        SKLEARN: fit_system(lambda: bench_search.make_search("sklearn", spec), data),
    }
    return [Workload("W6 grid search digits (64,) 3 lr x 3 batch sizes", systems)]


WORKLOADS = {
    "W1": workload_w1,
    "W2": lambda: [workload_w2(np.float64), workload_w2(np.float32)],
    "W3": workload_w3,
    "W4": workload_w4,
    "W4s": workload_w4s,
    "W6": workload_w6,
}
EXTRAS = ("W5", "MEM")  # need the float64 W2 models, so they run W2


# -- the report -----------------------------------------------------------------

HEADER = [
    "workload",
    "ours s",
    "sklearn s",
    "ours/sklearn",
    "ours score",
    "sklearn score",
    "ours/floor",
    "sklearn/floor",
    "torch s (score)",
    "ours/torch",
    "torch/floor",
]


def spread(values, unit=""):
    """Median and (lowest-highest) of ratios, as one cell."""
    return (
        f"{statistics.median(values):.2f}{unit} ({min(values):.2f}-{max(values):.2f})"
    )


def table_cells(measured):
    """One row of ``HEADER`` cells for a measured workload."""
    times, scores = measured.times, measured.scores
    has_floor, has_torch = bool(measured.floors), TORCH in times
    cells = [
        measured.workload.name,
        f"{statistics.median(times[OURS]):.3f}",
        f"{statistics.median(times[SKLEARN]):.3f}",
        spread(measured.ratios(SKLEARN)),
        f"{scores[OURS]:.4f}",
        f"{scores[SKLEARN]:.4f}",
    ]
    for system in (OURS, SKLEARN):
        cells.append(spread(measured.floor_ratios(system), "x") if has_floor else "")
    if has_torch:
        cells += [
            f"{statistics.median(times[TORCH]):.3f} ({scores[TORCH]:.4f})",
            spread(measured.ratios(TORCH)),
            spread(measured.floor_ratios(TORCH), "x") if has_floor else "",
        ]
    else:
        cells += ["", "", ""]
    return cells


def markdown_row(cells):
    return "| " + " | ".join(cells) + " |"


def environment():
    """What the numbers depend on: versions, BLAS threads, cores, load."""
    blas = [
        f"{info['internal_api']} {info['version']} ({info['num_threads']} threads)"
        for info in threadpool_info()
        if info["user_api"] == "blas"
    ]
    torch_text = (
        "not installed"
        if torch is None
        else f"{torch.__version__} ({torch.get_num_threads()} threads)"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return {
        "skperceptron": skperceptron.__version__,
        "numpy": np.__version__,
        "BLAS": "; ".join(blas),
        "torch": torch_text,
        "cores": str(os.cpu_count()),
        "load average (1, 5, 15 min)": load,
    }


def predict_latency(models, data):
    X_test = data[1]
    lines = []
    for name, model in models.items():
        if model is None:
            continue
        one_row = statistics.median(
            timed(lambda: model.predict(X_test[:1]))[0] for _ in range(5)
        )
        batch = statistics.median(
            timed(lambda: model.predict(X_test[:10_000]))[0] for _ in range(5)
        )
        lines.append((name, one_row * 1e6, batch * 1e3))
    return lines


def peak_fit_memory(make_model, data):
    gc.collect()
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        make_model().fit(data[0], data[2])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def print_extras(chosen, w2_float64):
    """Predict latency (W5) and peak fit memory (MEM) of the float64 W2 fits."""
    if "W5" in chosen:
        print("\n| W5 predict (W2 float64 models) | one row, us | 10,000 rows, ms |")
        print("|---|---|---|")
        data = w2_data(np.float64)
        for name, one, batch in predict_latency(w2_float64.models, data):
            print(f"| {name} | {one:.1f} | {batch:.2f} |")
    if "MEM" in chosen:
        data = w2_data(np.float64)
        params = dict(
            hidden_layer_sizes=(256, 256), batch_size=256, max_iter=1, random_state=0
        )
        print("\n| peak fit memory, W2 float64, 1 epoch (tracemalloc) | MiB |")
        print("|---|---|")
        for name, model_class in ((OURS, DeepMLPClassifier), (SKLEARN, MLPClassifier)):
            peak = peak_fit_memory(lambda: model_class(**params), data)
            print(f"| {name} | {peak:.1f} |")


# -- entry point ----------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 5")
    parser.add_argument("--repeats", type=int, help="repeats (overrides --quick)")
    parser.add_argument(
        "--only",
        default=",".join([*WORKLOADS, *EXTRAS]),
        help="comma-separated workloads, from " + ", ".join([*WORKLOADS, *EXTRAS]),
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="rewrite the tables and figure of docs/performance.rst",
    )
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - {*WORKLOADS, *EXTRAS}
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}")
    if args.repeats is None:
        args.repeats = 3 if args.quick else 5
    return args


def run(chosen, repeats):
    """Measure and print the chosen workloads; return the measurements."""
    print(markdown_row(HEADER))
    print(markdown_row(["---"] * len(HEADER)))
    all_measured = []
    for key, build in WORKLOADS.items():
        if key in chosen or (key == "W2" and chosen & set(EXTRAS)):
            for workload in build():
                measured = measure(workload, repeats)
                print(markdown_row(table_cells(measured)), flush=True)
                all_measured.append(measured)
    return all_measured


def main(argv=None):
    args = parse_args(argv)
    chosen = set(args.only.split(","))
    before = environment()
    print(f"skperceptron imported from {os.path.dirname(skperceptron.__file__)}")
    print(", ".join(f"{k} {v}" for k, v in before.items()), f"| {args.repeats} repeats")
    print()
    all_measured = run(chosen, args.repeats)
    after = environment()
    print(f"\nload average at the end: {after['load average (1, 5, 15 min)']}")
    w2_float64 = [m for m in all_measured if m.workload.name.endswith("float64")]
    if w2_float64:
        print_extras(chosen, w2_float64[0])
    if args.write_docs:
        from bench_docs import write_docs  # matplotlib is needed for this only

        table = [HEADER] + [table_cells(measured) for measured in all_measured]
        write_docs(table, all_measured, before, after, args.repeats)


if __name__ == "__main__":
    main()
