"""The NumPy backprop engine behind every skperceptron estimator (private).

Read it in this order, each file one concept of the lecture:
``activations`` (the non-linearity), ``losses`` (J(w) and the output link),
``penalties`` (regularisation), ``initializers`` (where w starts), ``layers``
(one dense layer, forward and backward), ``network`` (stacked layers, J and
its gradient), ``optimizers`` (the gradient step), ``schedules`` (the learning
rate over time), ``stopping`` (when to stop), ``batches`` (cutting an epoch into
mini-batches) and ``training`` (the loops).

The core imports NumPy and SciPy only, never scikit-learn or an estimator.
"""

from .activations import ACTIVATIONS
from .batches import BlockShuffledBatches, SampleShuffledBatches
from .clipping import clip_by_global_norm
from .initializers import INITIALIZERS
from .losses import LOSSES
from .network import Network, predict_output
from .optimizers import OPTIMIZERS
from .penalties import PENALTIES
from .schedules import SCHEDULES, make_schedule
from .stopping import NoImprovement
from .training import TrainingResult, run_lbfgs, run_minibatch

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "PENALTIES",
    "SCHEDULES",
    "BlockShuffledBatches",
    "SampleShuffledBatches",
    "Network",
    "NoImprovement",
    "TrainingResult",
    "clip_by_global_norm",
    "make_schedule",
    "predict_output",
    "run_lbfgs",
    "run_minibatch",
]
