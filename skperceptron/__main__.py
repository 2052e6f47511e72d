"""``python -m skperceptron``: run the lecture demo on a built-in data set."""

import argparse
import importlib.util

from ._demo import main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skperceptron",
        description=(
            "Train perceptrons (step and sigmoid neurons) and a deep network on "
            "scikit-learn's digits, tune learning rate x batch size with "
            "GridSearchCV, and print the test accuracy and fit time of each; "
            "then find a learning rate in one run with the range test "
            "(find_learning_rate)."
        ),
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    parser.add_argument(
        "--plot",
        metavar="DIR",
        help=(
            "also write the key figures as PNG into DIR: the loss per epoch of "
            "each model trained by gradient descent, and the grid search's "
            "accuracy over learning rate x batch size (needs matplotlib: "
            "pip install 'skperceptron[plot]')"
        ),
    )
    args = parser.parse_args(argv)
    if args.plot is not None and importlib.util.find_spec("matplotlib") is None:
        parser.error(
            "--plot needs matplotlib, which is not installed; "
            "pip install 'skperceptron[plot]'"
        )
    return args


if __name__ == "__main__":
    arguments = parse_args()
    main(random_state=arguments.random_state, plot_dir=arguments.plot)
