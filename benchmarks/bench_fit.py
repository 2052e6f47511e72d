"""skperceptron against scikit-learn (and PyTorch, when installed), side by side.

Every workload trains both libraries on the same data with the same
hyper-parameters in this one process, interleaving the systems run by run, and
prints a markdown table of median times, the ratio ours / theirs, and the test
score beside each time. For the deep workloads it also times the "GEMM floor":
the forward and backward matrix products of one training step at the exact
shapes, back to back, times the number of steps in an epoch.

Run ``python benchmarks/bench_fit.py`` (``--quick`` for fewer repeats,
``--only W1,W4`` to pick workloads).
"""

import argparse
import gc
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier, DeepMLPRegressor, PerceptronClassifier

try:  # torch is never a dependency; compare against it only when present
    import torch
except ImportError:
    torch = None


def standardised_split(X, y, dtype=np.float64, seed=0):
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return (
        scaler.transform(X_train).astype(dtype),
        scaler.transform(X_test).astype(dtype),
        y_train,
        y_test,
    )


def timed_fit(make_model, data):
    X_train, X_test, y_train, y_test = data
    model = make_model()
    gc.collect()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return seconds, model.score(X_test, y_test), model


def interleaved(systems, data, repeats):
    """Median fit time and last score of each system, alternating the systems."""
    times = {name: [] for name in systems}
    scores, models = {}, {}
    for _ in range(repeats):
        for name, make_model in systems.items():
            seconds, scores[name], models[name] = timed_fit(make_model, data)
            times[name].append(seconds)
    return {name: statistics.median(t) for name, t in times.items()}, scores, models


def gemm_floor(layer_units, batch_size, n_samples, dtype, repeats=20):
    """Seconds per epoch spent in the forward and backward matrix products alone."""
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

    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(10):
            one_step()
        samples.append((time.perf_counter() - start) / 10)
    steps = int(np.ceil(n_samples / batch_size))
    return statistics.median(samples) * steps


def torch_fit_seconds(data, hidden, batch_size, epochs, dtype, classification=True):
    """Adam on the same network in PyTorch (CPU), with its test score."""
    X_train, X_test, y_train, y_test = data
    torch.manual_seed(0)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    units = [X_train.shape[1], *hidden]
    layers = []
    for a, b in zip(units, units[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    n_out = len(np.unique(y_train)) if classification else 1
    net = torch.nn.Sequential(*layers, torch.nn.Linear(units[-1], n_out)).to(tdtype)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=0)
    loss_fn = torch.nn.CrossEntropyLoss() if classification else torch.nn.MSELoss()
    Xt = torch.from_numpy(np.ascontiguousarray(X_train, dtype=dtype))
    yt = (
        torch.from_numpy(y_train).long()
        if classification
        else torch.from_numpy(y_train.astype(dtype)).reshape(-1, 1)
    )
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(Xt))
        for i in range(0, len(Xt), batch_size):
            idx = perm[i : i + batch_size]
            opt.zero_grad()
            loss_fn(net(Xt[idx]), yt[idx]).backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        out = net(torch.from_numpy(np.ascontiguousarray(X_test, dtype=dtype)))
    if classification:
        score = float((out.argmax(1).numpy() == y_test).mean())
    else:
        pred = out.numpy().ravel()
        score = 1 - ((y_test - pred) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()
    return seconds, score


def mlp_pair(ours, theirs, **params):
    return {
        "skperceptron": lambda: ours(**params),
        "scikit-learn": lambda: theirs(**params),
    }


def row(workload, times, scores, floor=None, epochs=None):
    ours, theirs = times["skperceptron"], times["scikit-learn"]
    cells = [
        workload,
        f"{ours:.3f}",
        f"{theirs:.3f}",
        f"{ours / theirs:.2f}",
        f"{scores['skperceptron']:.4f}",
        f"{scores['scikit-learn']:.4f}",
    ]
    if floor is not None:
        cells += [f"{ours / epochs / floor:.2f}x", f"{theirs / epochs / floor:.2f}x"]
    else:
        cells += ["", ""]
    if "torch" in times:
        cells += [
            f"{times['torch']:.3f} ({scores['torch']:.4f})",
            f"{ours / times['torch']:.2f}",
        ]
    else:
        cells += ["", ""]
    return "| " + " | ".join(cells) + " |"


def workload_w1(repeats):
    X, y = load_digits(return_X_y=True)
    data = standardised_split(X, y)
    params = dict(
        hidden_layer_sizes=(100,),
        batch_size=200,
        max_iter=100,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    times, scores, _ = interleaved(
        mlp_pair(DeepMLPClassifier, MLPClassifier, **params), data, repeats
    )
    lbfgs = dict(
        hidden_layer_sizes=(100,), solver="lbfgs", max_iter=200, random_state=0
    )
    ltimes, lscores, _ = interleaved(
        mlp_pair(DeepMLPClassifier, MLPClassifier, **lbfgs), data, repeats
    )
    return [
        row("W1 digits (100,) adam 100 ep", times, scores),
        row("W1 digits (100,) lbfgs 200 it", ltimes, lscores),
    ]


def workload_w2(repeats, dtype):
    X, y = make_classification(
        n_samples=100_000,
        n_features=100,
        n_informative=50,
        n_classes=10,
        random_state=0,
    )
    data = standardised_split(X, y, dtype=dtype)
    epochs = 5
    params = dict(
        hidden_layer_sizes=(256, 256),
        batch_size=256,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    systems = mlp_pair(DeepMLPClassifier, MLPClassifier, **params)
    times, scores, models = interleaved(systems, data, repeats)
    if torch is not None:
        runs = [
            torch_fit_seconds(data, (256, 256), 256, epochs, dtype)
            for _ in range(repeats)
        ]
        times["torch"] = statistics.median(r[0] for r in runs)
        scores["torch"] = runs[-1][1]
    floor = gemm_floor([100, 256, 256, 10], 256, len(data[0]), dtype)
    name = f"W2 100k x 100 (256, 256) adam 5 ep {np.dtype(dtype).name}"
    return [row(name, times, scores, floor, epochs)], models, data, floor


def workload_w3(repeats):
    X, y = make_regression(n_samples=50_000, n_features=50, noise=10.0, random_state=0)
    y = (y - y.mean()) / y.std()
    data = standardised_split(X, y)
    params = dict(
        hidden_layer_sizes=(128, 64),
        batch_size=256,
        max_iter=10,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    times, scores, _ = interleaved(
        mlp_pair(DeepMLPRegressor, MLPRegressor, **params), data, repeats
    )
    return [row("W3 50k x 50 (128, 64) adam 10 ep", times, scores)]


def workload_w4(repeats):
    X, y = make_classification(
        n_samples=250_000, n_features=100, n_informative=20, random_state=0
    )
    data = standardised_split(X, y, seed=0)
    data = (data[0][:200_000], data[1], data[2][:200_000], data[3])
    params = dict(max_iter=10, tol=None, random_state=0)
    systems = {
        "skperceptron": lambda: PerceptronClassifier(**params),
        "scikit-learn": lambda: Perceptron(**params),
    }
    times, scores, _ = interleaved(systems, data, repeats)
    return [row("W4 perceptron 200k x 100, 10 ep", times, scores)]


def workload_w4s(repeats, seeds=(0, 1, 2)):
    """Small data, default settings: times and training accuracies, mean over seeds.

    Up to 20,000 rows the step perceptron runs scikit-learn's per-sample rule,
    so both reach the same weights; this shows what exactness costs.
    """
    systems = {
        "skperceptron": PerceptronClassifier,
        "scikit-learn": Perceptron,
    }
    lines = []
    for n_samples in (1_000, 5_000, 20_000):
        times, scores = {name: [] for name in systems}, {name: [] for name in systems}
        for seed in seeds:
            X, y = make_classification(n_samples, 20, random_state=seed)
            seed_times, seed_scores, _ = interleaved(systems, (X, X, y, y), repeats)
            for name in systems:
                times[name].append(seed_times[name])
                scores[name].append(seed_scores[name])
        means = [
            {name: statistics.mean(v) for name, v in d.items()} for d in (times, scores)
        ]
        lines.append(
            row(f"W4s perceptron {n_samples} x 20, default, train acc", *means)
        )
    return lines


def predict_latency(models, data):
    X_test = data[1]
    lines = []
    for name, model in models.items():
        one_row = X_test[:1]
        samples = []
        for _ in range(1000):
            start = time.perf_counter()
            model.predict(one_row)
            samples.append(time.perf_counter() - start)
        batch = []
        for _ in range(20):
            start = time.perf_counter()
            model.predict(X_test[:10_000])
            batch.append(time.perf_counter() - start)
        lines.append(
            (name, statistics.median(samples) * 1e6, statistics.median(batch) * 1e3)
        )
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 5")
    parser.add_argument(
        "--only", default="W1,W2,W3,W4,W4s,W5,MEM", help="comma-separated workloads"
    )
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 5
    chosen = set(args.only.split(","))
    torch_version = "not installed" if torch is None else torch.__version__
    print(f"numpy {np.__version__}, torch {torch_version}, {repeats} repeats\n")
    print(
        "| workload | ours s | sklearn s | ours/sklearn | ours score | sklearn score "
        "| ours/GEMM floor | sklearn/GEMM floor | torch s (score) | ours/torch |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    if "W1" in chosen:
        print(*workload_w1(repeats), sep="\n")
    w2 = {}
    if chosen & {"W2", "W5", "MEM"}:
        for dtype in (np.float64, np.float32):
            lines, models, data, floor = workload_w2(repeats, dtype)
            w2[dtype] = (models, data)
            print(*lines, sep="\n")
    if "W3" in chosen:
        print(*workload_w3(repeats), sep="\n")
    if "W4" in chosen:
        print(*workload_w4(repeats), sep="\n")
    if "W4s" in chosen:
        print(*workload_w4s(repeats), sep="\n")
    if "W5" in chosen:
        print("\n| W5 predict (W2 float64 models) | one row, us | 10,000 rows, ms |")
        print("|---|---|---|")
        for name, one, batch in predict_latency(*w2[np.float64]):
            print(f"| {name} | {one:.1f} | {batch:.2f} |")
    if "MEM" in chosen:
        data = w2[np.float64][1]
        params = dict(
            hidden_layer_sizes=(256, 256), batch_size=256, max_iter=1, random_state=0
        )
        print("\n| peak fit memory, W2 float64, 1 epoch (tracemalloc) | MiB |")
        print("|---|---|")
        for name, make in mlp_pair(DeepMLPClassifier, MLPClassifier, **params).items():
            print(f"| {name} | {peak_fit_memory(make, data):.1f} |")


if __name__ == "__main__":
    main()
