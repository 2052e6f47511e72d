"""A/B timing of the core against an earlier revision: W2's training steps.

Speed changes to the core are kept when this shows they pay. It extracts
``skperceptron/_core`` at a git revision (``--base``, default ``main``) into a
temporary package, then times, interleaved and in a rotated order, 100 W2
steps (batches of 256 from 100,000 x 100, hidden layers (256, 256), Adam, an
L2 penalty) with that core, with the working tree's core, and the matrix
products of those steps alone (the GEMM floor), and prints per-step
microseconds (minimum and median over the samples, wall and CPU time) and
the ratios within each sample. Adam's step alone is compared the same way
(``--adam``). Run from the repository root, e.g.
``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_ab.py --base HEAD~3``.
"""

import argparse
import importlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the working tree's skperceptron, not an installed one

from bench_fit import gemm_step  # noqa: E402

import skperceptron._core as current_core  # noqa: E402

UNITS, BATCH, N_STEPS = [100, 256, 256, 10], 256, 100


def core_at(revision):
    """The core package as it was at ``revision``, imported under another name."""
    archive = subprocess.run(
        ["git", "archive", revision, "skperceptron/_core"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    target = Path(tempfile.mkdtemp())
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    (target / "skperceptron" / "_core").rename(target / "base_core")
    sys.path.insert(0, str(target))
    return importlib.import_module("base_core")


def w2_steps(core, X, Y, order, dtype):
    """A callable running ``N_STEPS`` training steps with ``core``."""
    training = importlib.import_module(core.__name__ + ".training")
    network = core.Network(UNITS, "relu", "log_loss", dtype, alpha=1e-4)
    network.initialize(np.random.RandomState(0))
    optimizer = core.OPTIMIZERS["adam"](network.params.shape, dtype)

    def batches():
        for start in range(0, N_STEPS * BATCH, BATCH):
            rows = order[start : start + BATCH]
            yield X[rows], Y[rows], None

    return lambda: training.run_epoch(network, optimizer, 1e-3, batches())


def floor_steps(dtype):
    """The matrix products of ``N_STEPS`` steps, back to back."""
    one_step = gemm_step(UNITS, BATCH, dtype)

    def products():
        for _ in range(N_STEPS):
            one_step()

    return products


def adam_steps(core, dtype, rng):
    n_params = sum(a * b + b for a, b in zip(UNITS, UNITS[1:]))
    grads = rng.standard_normal(n_params).astype(dtype) * 1e-2
    params, adam = np.zeros(n_params, dtype), core.OPTIMIZERS["adam"](n_params, dtype)

    def steps():
        for _ in range(N_STEPS):
            adam.step(params, grads, 1e-3)

    return steps


def interleaved(cases, samples):
    """Per-step (wall, CPU) microseconds of each case, samples rotated."""
    names, times = list(cases), {name: [] for name in cases}
    for case in cases.values():
        case()
    for sample in range(samples):
        shift = sample % len(names)
        for name in names[shift:] + names[:shift]:
            wall, cpu = time.perf_counter(), time.process_time()
            cases[name]()
            times[name].append(
                (
                    (time.perf_counter() - wall) / N_STEPS * 1e6,
                    (time.process_time() - cpu) / N_STEPS * 1e6,
                )
            )
    return times


def report(times, dtype):
    print(f"| {dtype.name} | wall us min (median) | CPU us min (median) |")
    print("|---|---|---|")
    for name, samples in times.items():
        wall, cpu = zip(*samples)
        print(
            f"| {name} | {min(wall):.0f} ({statistics.median(wall):.0f}) "
            f"| {min(cpu):.0f} ({statistics.median(cpu):.0f}) |"
        )
    names = list(times)
    pairs = [(names[1], names[0])] + [
        (n, "floor") for n in names[:2] if "floor" in times
    ]
    for top, bottom in pairs:
        ratios = [a[0] / b[0] for a, b in zip(times[top], times[bottom])]
        print(
            f"| {top} / {bottom} (wall) | {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}-{max(ratios):.3f}) | |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main")
    parser.add_argument("--samples", type=int, default=21)
    parser.add_argument("--adam", action="store_true")
    args = parser.parse_args()
    base = core_at(args.base)
    for dtype in map(np.dtype, ("float64", "float32")):
        rng = np.random.default_rng(0)
        if args.adam:
            cases = {
                f"base ({args.base})": adam_steps(base, dtype, rng),
                "working tree": adam_steps(current_core, dtype, rng),
            }
        else:
            X = rng.standard_normal((100_000, 100)).astype(dtype)
            Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, 100_000)]
            order = rng.permutation(100_000)
            cases = {
                f"base ({args.base})": w2_steps(base, X, Y, order, dtype),
                "working tree": w2_steps(current_core, X, Y, order, dtype),
                "floor": floor_steps(dtype),
            }
        report(interleaved(cases, args.samples), dtype)


if __name__ == "__main__":
    main()
