"""The NumPy backprop engine behind every skperceptron estimator (private).

Read it in this order, each file one concept of the lecture:
``activations`` (the non-linearity), ``losses`` (J(w) and the output link),
``penalties`` (regularisation), ``initializers`` (where w starts), ``layers``
(one dense layer, forward and backward), ``network`` (stacked layers, J and
its gradient), ``optimizers`` (the gradient step), ``schedules`` (the learning
rate over time), ``stopping`` (when to stop), ``batches`` (cutting an epoch into
mini-batches) and ``training`` (the loops); then the tools built on them:
``lr_range`` (the learning-rate range test, a short loop of its own),
``stacked`` (candidates trained together) and ``perceptron_rule`` (the step
perceptron's exact per-sample rule, run from mistake to mistake, with
``sgd_weights`` and ``truncation`` for scikit-learn's lazy shrink and L1).

The core imports NumPy and SciPy only, never scikit-learn or an estimator.
"""

from .activations import ACTIVATIONS
from .batches import BlockShuffledBatches, SampleShuffledBatches
from .clipping import clip_by_global_norm
from .initializers import INITIALIZERS
from .losses import LOSSES
from .lr_range import SUGGESTIONS, exponential_rates, run_range_test, smooth
from .network import InvalidLayerSetting, Network, predict_output
from .optimizers import OPTIMIZERS
from .penalties import PENALTIES
from .perceptron_rule import StepRule, run_step_rule, visiting_order
from .schedules import SCHEDULES, make_schedule
from .stopping import HIGHER_IS_BETTER, NoImprovement
from .training import (
    TrainingResult,
    TrainingRun,
    Validation,
    run_lbfgs,
    run_minibatch,
)

__all__ = [
    "ACTIVATIONS",
    "HIGHER_IS_BETTER",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "PENALTIES",
    "SCHEDULES",
    "SUGGESTIONS",
    "BlockShuffledBatches",
    "SampleShuffledBatches",
    "StepRule",
    "InvalidLayerSetting",
    "Network",
    "NoImprovement",
    "TrainingResult",
    "TrainingRun",
    "Validation",
    "clip_by_global_norm",
    "exponential_rates",
    "make_schedule",
    "predict_output",
    "run_lbfgs",
    "run_minibatch",
    "run_range_test",
    "smooth",
    "run_step_rule",
    "visiting_order",
]
