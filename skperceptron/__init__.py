"""skperceptron: scikit-learn estimators building deep learning up from a perceptron."""

from ._display import TrainingCurveDisplay
from ._mlp import DeepMLPClassifier, DeepMLPRegressor
from ._perceptron import PerceptronClassifier

__version__ = "0.1.0"

__all__ = [
    "DeepMLPClassifier",
    "DeepMLPRegressor",
    "PerceptronClassifier",
    "TrainingCurveDisplay",
    "__version__",
]
