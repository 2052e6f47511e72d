"""skperceptron: scikit-learn estimators building deep learning up from a perceptron."""

from ._mlp import DeepMLPClassifier, DeepMLPRegressor

__version__ = "0.1.0"

__all__ = ["DeepMLPClassifier", "DeepMLPRegressor", "__version__"]
