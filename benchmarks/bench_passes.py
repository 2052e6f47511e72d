"""A/B timings of element-wise passes: what the Performance page says was tried.

Each case runs 100 times per sample; samples of all cases are interleaved, and
the minimum and median over the samples are printed in microseconds:

- Adam's step over W2's 94,218 parameters: on one thread, as two halves on
  two threads, and in cache-sized blocks on one thread (the halves and blocks
  are separate Adam optimizers over slices, which is the same arithmetic);
- Adam's square-root pass alone;
- ReLU's forward pass and derivative on a W2 batch (256 x 256): on one
  thread (as shipped), against the scalar 0, and split over two; and other
  ways to write the derivative;
- one L-BFGS evaluation of W1 (digits, (100,)) in CPU time: its matrix
  products alone, skperceptron's and scikit-learn's (run this one with
  ``OPENBLAS_NUM_THREADS=1`` for one-thread figures).

Run ``python benchmarks/bench_passes.py`` (``--samples N``, ``--dtype float32``).
"""

import argparse
import statistics
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._multilayer_perceptron import _pack
from sklearn.preprocessing import LabelBinarizer, StandardScaler

from skperceptron._core import ACTIVATIONS, OPTIMIZERS, Network

N_PARAMS, BATCH, UNITS = 94_218, 256, 256
POOL = ThreadPoolExecutor(1)  # the second thread of the split cases


def on_two_threads(first, second):
    """Run ``second`` on the pool thread while ``first`` runs here."""
    future = POOL.submit(second)
    first()
    future.result()


def sliced_adam(dtype, n_slices):
    """Adam over ``n_slices`` contiguous slices, one optimizer per slice."""
    edges = np.linspace(0, N_PARAMS, n_slices + 1).astype(int)
    slices = [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]
    return [
        (part, OPTIMIZERS["adam"](b - a, dtype))
        for part, a, b in zip(slices, edges[:-1], edges[1:])
    ]


def adam_cases(dtype, rng):
    grads = rng.standard_normal(N_PARAMS).astype(dtype)
    params = np.zeros(N_PARAMS, dtype)
    adam = OPTIMIZERS["adam"](N_PARAMS, dtype)
    roots = np.empty(N_PARAMS, dtype)
    halves = sliced_adam(dtype, 2)
    blocks = sliced_adam(dtype, -(-N_PARAMS // 12_288))

    def step(part, optimizer):
        return lambda: optimizer.step(params[part], grads[part], 1e-3)

    def blocked():
        for part, optimizer in blocks:
            optimizer.step(params[part], grads[part], 1e-3)

    return {
        "adam step, 1 thread": lambda: adam.step(params, grads, 1e-3),
        "adam's square-root pass alone": lambda: np.sqrt(
            adam.squared_gradient_sum, out=roots
        ),
        "adam step, halves on 2 threads": lambda: on_two_threads(
            step(*halves[0]), step(*halves[1])
        ),
        "adam step, 12,288-entry blocks, 1 thread": blocked,
    }


def relu_cases(dtype, rng):
    Z = rng.standard_normal((BATCH, UNITS)).astype(dtype)
    A = np.maximum(Z, 0)
    delta = rng.standard_normal((BATCH, UNITS)).astype(dtype)
    sign = np.empty_like(A)

    def split(function):
        half = BATCH // 2
        return lambda: on_two_threads(
            lambda: function(slice(0, half)), lambda: function(slice(half, None))
        )

    return {
        "relu forward, 1 thread": lambda: ACTIVATIONS["relu"].forward(Z),
        "relu forward against the scalar 0": lambda: np.maximum(Z, 0, out=Z),
        "relu forward, halves on 2 threads": split(
            lambda rows: np.maximum(Z[rows], 0, out=Z[rows])
        ),
        "relu derivative a > 0, 1 thread": lambda: np.multiply(delta, A > 0, out=delta),
        "relu derivative a > 0, halves on 2 threads": split(
            lambda rows: np.multiply(delta[rows], A[rows] > 0, out=delta[rows])
        ),
        "relu derivative sign(a)": lambda: np.multiply(
            delta, np.sign(A, out=sign), out=delta
        ),
        "relu derivative copyto where": lambda: np.copyto(delta, 0, where=A <= 0),
        "relu derivative putmask": lambda: np.putmask(delta, A <= 0, 0),
        "relu derivative boolean assignment": lambda: delta.__setitem__(A <= 0, 0),
    }


def lbfgs_cases():
    """One evaluation of W1's loss and gradient: products only, ours, sklearn's."""
    X, y = load_digits(return_X_y=True)
    X, _, y, _ = train_test_split(X, y, random_state=0)
    X = StandardScaler().fit_transform(X)
    Y = LabelBinarizer().fit_transform(y).astype(np.float64)
    network = Network([64, 100, 10], "relu", "log_loss", np.float64, alpha=1e-4)
    network.initialize(np.random.RandomState(0))
    start = network.params.copy()

    def ours():
        np.copyto(network.params, start)
        network.loss_and_gradient(X, Y)
        return network.grads.astype(np.float64)

    return {
        "lbfgs evaluation, products only": w1_products(X, network),
        "lbfgs evaluation, skperceptron": ours,
        "lbfgs evaluation, scikit-learn": sklearn_evaluation(X, y, Y),
    }


def w1_products(X, network):
    W1, W2 = network.coefs
    hidden = np.empty((X.shape[0], 100))
    out = np.empty((X.shape[0], 10))
    grads = [np.empty_like(W1), np.empty_like(W2)]

    def products():
        np.matmul(X, W1, out=hidden)
        np.matmul(hidden, W2, out=out)
        np.matmul(hidden.T, out, out=grads[1])
        np.matmul(out, W2.T, out=hidden)
        np.matmul(X.T, hidden, out=grads[0])

    return products


def sklearn_evaluation(X, y, Y):
    """scikit-learn's per-evaluation function, called as its L-BFGS fit does."""
    model = MLPClassifier((100,), solver="lbfgs", max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    units = [64, 100, 10]
    activations, deltas = [X, None, None], [None, None]
    coef_grads = [np.empty((a, b)) for a, b in zip(units[:-1], units[1:])]
    intercept_grads = [np.empty(b) for b in units[1:]]
    packed = _pack(model.coefs_, model.intercepts_)
    return lambda: model._loss_grad_lbfgs(
        packed, X, Y, None, activations, deltas, coef_grads, intercept_grads
    )


def sample(function, clock):
    start = clock()
    for _ in range(100):
        function()
    return (clock() - start) / 100 * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--dtype", default="float64")
    args = parser.parse_args()
    dtype, rng = np.dtype(args.dtype), np.random.default_rng(0)
    groups = [
        (time.perf_counter, {**adam_cases(dtype, rng), **relu_cases(dtype, rng)}),
        (time.process_time, lbfgs_cases()),
    ]
    print(f"| case ({dtype.name}) | min us | median us |\n|---|---|---|")
    for clock, cases in groups:
        times = {name: [] for name in cases}
        for _ in range(args.samples):
            for name, function in cases.items():
                times[name].append(sample(function, clock))
        for name, samples in times.items():
            print(f"| {name} | {min(samples):.1f} | {statistics.median(samples):.1f} |")


if __name__ == "__main__":
    main()
