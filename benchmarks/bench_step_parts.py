"""Where a W2 training step's time goes, one part added at a time.

Times, interleaved and in a rotated order, 100 steps of the W2 network
(batches of 256 rows from 100,000 x 100, hidden layers (256, 256), Adam, an
L2 penalty) built up part by part with the core:

- ``floor``: the matrix products of the steps alone (the GEMM floor);
- ``loss_and_gradient``: the forward and backward passes on one fixed batch;
- ``+ adam``: then Adam's step;
- ``+ gather``: on a fresh shuffled batch each step, as in training;
- ``run_epoch``: the core's training loop itself;

and, alone, ``adam`` and ``gather``. The gap between a part alone and what it
adds inside the loop is what it costs the caches. Run from the repository
root, e.g. ``python benchmarks/bench_step_parts.py --dtype float32``; the
BLAS threads are the process's (``OPENBLAS_NUM_THREADS=1`` for one).
"""

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the working tree's skperceptron, not an installed one

from bench_ab import N_STEPS, interleaved  # noqa: E402
from bench_fit import gemm_step  # noqa: E402

from skperceptron._core import OPTIMIZERS, Network  # noqa: E402
from skperceptron._core.training import run_epoch  # noqa: E402

UNITS, BATCH, N_ROWS = [100, 256, 256, 10], 256, 100_000


def step_parts(dtype):
    """The callables to time, each running ``N_STEPS`` steps (or parts)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_ROWS, UNITS[0])).astype(dtype)
    Y = np.eye(UNITS[-1], dtype=dtype)[rng.integers(0, UNITS[-1], N_ROWS)]
    order = rng.permutation(N_ROWS)
    network = Network(UNITS, "relu", "log_loss", dtype, alpha=1e-4)
    network.initialize(np.random.RandomState(0))
    adam = OPTIMIZERS["adam"](network.params.size, dtype)
    batch_rows = [
        order[start : start + BATCH] for start in range(0, N_STEPS * BATCH, BATCH)
    ]
    X_fixed, Y_fixed = X[batch_rows[0]], Y[batch_rows[0]]
    one_floor_step = gemm_step(UNITS, BATCH, dtype)

    def adam_step():
        adam.step(network.params, network.grads, 1e-3)

    def repeated(step):
        def steps():
            for rows in batch_rows:
                step(rows)

        return steps

    def with_adam(rows):
        network.loss_and_gradient(X_fixed, Y_fixed)
        adam_step()

    def with_gather(rows):
        network.loss_and_gradient(X[rows], Y[rows])
        adam_step()

    def epoch():
        run_epoch(network, adam, 1e-3, ((X[r], Y[r], None) for r in batch_rows))

    return {
        "floor": repeated(lambda rows: one_floor_step()),
        "loss_and_gradient": repeated(
            lambda rows: network.loss_and_gradient(X_fixed, Y_fixed)
        ),
        "+ adam": repeated(with_adam),
        "+ gather": repeated(with_gather),
        "run_epoch": epoch,
        "adam alone": repeated(lambda rows: adam_step()),
        "gather alone": repeated(lambda rows: (X[rows], Y[rows])),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--samples", type=int, default=11)
    args = parser.parse_args()
    times = interleaved(step_parts(np.dtype(args.dtype)), args.samples)
    print(f"| {args.dtype}, per step | minimum us | median us |")
    print("|---|---|---|")
    for name, samples in times.items():
        wall = [seconds for seconds, _ in samples]  # (wall, CPU) per sample
        print(f"| {name} | {min(wall):.0f} | {statistics.median(wall):.0f} |")


if __name__ == "__main__":
    main()
