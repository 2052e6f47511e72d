"""``python -m skperceptron``: run the lecture demo on a built-in data set."""

import argparse

from ._demo import main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skperceptron",
        description=(
            "Train perceptrons (step and sigmoid neurons) and a deep network on "
            "scikit-learn's digits, tune learning rate x batch size with "
            "GridSearchCV, and print the test accuracy and fit time of each."
        ),
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main(random_state=parse_args().random_state)
