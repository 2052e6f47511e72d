"""skperceptron: scikit-learn estimators that build deep learning up from the perceptron."""

from ._mlp import DeepMLPClassifier, DeepMLPRegressor

__version__ = "0.1.0"

__all__ = ["DeepMLPClassifier", "DeepMLPRegressor", "__version__"]
