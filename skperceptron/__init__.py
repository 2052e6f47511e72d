"""skperceptron: scikit-learn estimators building deep learning up from a perceptron."""

from ._display import TrainingCurveDisplay
from ._fitting import DivergenceWarning, TrainingDivergedError
from ._lr_finder import find_learning_rate
from ._lr_finder_display import LearningRateFinderDisplay
from ._mlp import DeepMLPClassifier, DeepMLPRegressor
from ._perceptron import PerceptronClassifier
from ._trusted_types import skops_trusted_types

__version__ = "0.1.0"

__all__ = [
    "DeepMLPClassifier",
    "DeepMLPRegressor",
    "DivergenceWarning",
    "LearningRateFinderDisplay",
    "PerceptronClassifier",
    "TrainingCurveDisplay",
    "TrainingDivergedError",
    "skops_trusted_types",
    "find_learning_rate",
    "__version__",
]
