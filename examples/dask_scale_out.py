"""
Scaling out with Dask
=====================

When one process is not enough, the estimators scale out with Dask in the two
ways scikit-learn users know: the *search* spreads over a cluster (joblib's
``dask`` backend sends each cross-validation fit to a worker), and the *data*
can be larger than one machine's memory (``dask_ml.wrappers.Incremental``
feeds the blocks of a Dask array to ``partial_fit``, one mini-batch epoch per
block, and predicts block by block in parallel).

This example needs the ``dask`` extra: ``pip install ".[dask]"`` from a clone
of the repository, or ``pip install "skperceptron[dask]"`` from a package
index that serves skperceptron. It starts a small local cluster; point
``Client`` at a real scheduler's address to use a cluster of machines
instead. It is not run when the documentation is built (it starts worker
processes).

Each ``partial_fit`` call sees one block, and ``batch_size="auto"`` is
resolved from the rows of that call, not from the whole array: the deep
networks take ``min(200, rows)`` and :class:`~skperceptron.PerceptronClassifier`
about a thousandth of the rows (8 to 256), so blocks train with other
batches than ``fit`` on every row would. Give ``Incremental`` a fixed
``batch_size``, as below.
"""

# sphinx_gallery_thumbnail_path = "_static/dask_scale_out.png"

import time

import dask.array as da
import joblib
import numpy as np
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

from skperceptron import DeepMLPClassifier


def grid_search_on_the_cluster(X_train, y_train):
    """Learning rate x batch size, each CV fit on a worker.

    ``max_iter=300`` gives every candidate the epochs it needs to
    converge, so the workers have no ConvergenceWarning to report.
    """
    grid = {
        "learning_rate_init": [1e-3, 1e-2],
        "batch_size": [32, 128],
    }
    model = DeepMLPClassifier((64,), max_iter=300, random_state=0)
    search = GridSearchCV(model, grid, cv=3, n_jobs=-1)
    start = time.perf_counter()
    with joblib.parallel_backend("dask"):
        search.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(f"Grid search on the cluster ({seconds:.1f} s):")
    print(f"  best {search.best_params_}")
    print(f"  cross-validated accuracy {search.best_score_:.3f}")
    return search


def incremental_on_blocks(
    X_train, y_train, X_test, y_test, epochs=10
):
    """partial_fit over the blocks of Dask arrays, then predict."""
    n_features = X_train.shape[1]
    X_blocks = da.from_array(X_train, chunks=(250, n_features))
    y_blocks = da.from_array(y_train, chunks=250)
    # A fixed batch_size: "auto" would be resolved block by block.
    network = DeepMLPClassifier(
        (64,), learning_rate_init=0.01, batch_size=50, random_state=0
    )
    model = Incremental(
        network, scoring="accuracy", shuffle_blocks=False
    )
    classes = np.unique(y_train)
    for _ in range(epochs):  # one pass over every block per call
        model.partial_fit(X_blocks, y_blocks, classes=classes)
    test_blocks = da.from_array(X_test, chunks=(100, n_features))
    # the blocks are predicted in parallel
    predicted = model.predict(test_blocks).compute()
    accuracy = np.mean(predicted == y_test)
    print(
        f"Incremental training on {X_blocks.numblocks[0]} blocks x "
        f"{epochs} passes: test accuracy {accuracy:.3f}"
    )
    return model


if __name__ == "__main__":
    X, y = load_digits(return_X_y=True)
    X_scaled = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X_scaled, y, stratify=y, random_state=0
    )
    with LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        with Client(cluster) as client:
            print(f"Dask cluster: {client}")
            grid_search_on_the_cluster(X_train, y_train)
            incremental_on_blocks(X_train, y_train, X_test, y_test)
