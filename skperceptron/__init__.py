"""skperceptron: scikit-learn estimators building deep learning up from a perceptron."""

from ._display import TrainingCurveDisplay
from ._mlp import DeepMLPClassifier, DeepMLPRegressor
from ._perceptron import PerceptronClassifier
from ._trusted_types import skops_trusted_types

__version__ = "0.1.0"

__all__ = [
    "DeepMLPClassifier",
    "DeepMLPRegressor",
    "PerceptronClassifier",
    "TrainingCurveDisplay",
    "skops_trusted_types",
    "__version__",
]
