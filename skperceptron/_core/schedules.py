"""Learning-rate schedules: the step size per epoch and what to do on a plateau.

``learning_rate`` is the rate for the coming epoch, ``epoch_end(n_samples_seen)``
moves it on after an epoch, and ``on_plateau()`` answers whether training should
go on once the loss (or validation score) has stopped improving: True to
continue (the schedule has lowered the rate), False to stop.

Every schedule takes its options as keywords and ignores the ones it has no use
for, so one call can pass them all. Every schedule can begin with a linear
warm-up (``warmup_epochs``), after which its own rule runs as if training had
started when warm-up ended.
"""

import math


class Schedule:
    """The epoch clock and warm-up shared by every schedule.

    A subclass gives its rule in :meth:`rate_at`; this class counts epochs
    and ramps the rate up during the first :math:`W` = ``warmup_epochs`` of
    them. With :math:`\\tilde\\eta` the rate the rule sets for its first epoch
    (``learning_rate_init``, unless a plateau lowered it), epoch :math:`e`
    (0-based) of the warm-up runs at

    .. math::
        \\eta_e = \\tilde\\eta \\, \\frac{e + 1}{W + 1}, \\qquad
        e = 0, \\dots, W - 1,

    so the first step is small but not zero, and epoch :math:`W`, the rule's
    first, runs at :math:`\\tilde\\eta`. Warm-up keeps the first steps from
    random weights, whose gradients are least reliable, from overshooting.
    """

    def __init__(self, learning_rate_init, *, warmup_epochs=0, **_):
        self.learning_rate_init = float(learning_rate_init)
        self.warmup_epochs = warmup_epochs
        self.scheduled_rate = self.learning_rate_init  # the rule's, before warm-up
        self.n_epochs_done = 0  # warm-up epochs included
        self.n_samples_at_warmup_end = 0

    @property
    def learning_rate(self):
        """The rate for the coming epoch: the warm-up ramp, then the rule's."""
        if self.n_epochs_done >= self.warmup_epochs:
            return self.scheduled_rate
        ramp = (self.n_epochs_done + 1) / (self.warmup_epochs + 1)
        return self.scheduled_rate * ramp

    def epoch_end(self, n_samples_seen):
        """Move on after an epoch; ``n_samples_seen`` counts every sample so far.

        Returns the rate for the next epoch.
        """
        self.n_epochs_done += 1
        if self.n_epochs_done <= self.warmup_epochs:
            self.n_samples_at_warmup_end = n_samples_seen  # the last one stays
        else:
            self.scheduled_rate = self.rate_at(
                self.n_epochs_done - self.warmup_epochs,
                n_samples_seen - self.n_samples_at_warmup_end,
            )
        return self.learning_rate

    def rate_at(self, epoch, n_samples_seen):
        """The rule's rate for its ``epoch`` after ``n_samples_seen`` samples.

        Both count from the end of warm-up. ``epoch`` is 0-based and at least
        1, since epoch 0 runs at ``learning_rate_init``. By default the rate
        stays where it is.
        """
        return self.scheduled_rate

    def on_plateau(self):
        """Whether to go on after a plateau; by default, stop."""
        return False


class Constant(Schedule):
    """The rate stays at ``learning_rate_init``; a plateau stops training."""


class InvScaling(Schedule):
    """``eta_t = eta_0 / (t + 1) ** power_t`` with ``t`` the samples seen so far.

    After a warm-up, ``t`` counts the samples seen since it ended.
    """

    def __init__(self, learning_rate_init, *, power_t=0.5, **options):
        super().__init__(learning_rate_init, **options)
        self.power_t = power_t

    def rate_at(self, epoch, n_samples_seen):
        try:
            return self.learning_rate_init / (n_samples_seen + 1) ** self.power_t
        except OverflowError:  # a huge power: the rate has decayed to nothing
            return 0.0


class Adaptive(Schedule):
    """Keep the rate while training improves; divide it by 5 on each plateau.

    Training stops once a plateau is reached with the rate at or below 1e-6.
    """

    min_learning_rate = 1e-6

    def on_plateau(self):
        if self.scheduled_rate <= self.min_learning_rate:
            return False
        self.scheduled_rate /= 5.0
        return True


class Cosine(Schedule):
    """Cosine annealing (Loshchilov & Hutter, 2017) over a fixed epoch budget.

    With :math:`E` = ``max_epochs - warmup_epochs`` epochs left after warm-up,
    :math:`\\eta_0` = ``learning_rate_init`` and :math:`\\eta_{min}` =
    ``learning_rate_min``, the rule's epoch :math:`e = 0, \\dots, E - 1` runs at

    .. math::
        \\eta_e = \\eta_{min} + (\\eta_0 - \\eta_{min})
        \\frac{1 + \\cos(\\pi e / (E - 1))}{2},

    from ``learning_rate_init`` down to exactly ``learning_rate_min`` in the
    last epoch: large steps while far from a minimum, small ones to settle in.
    With :math:`E = 1` the only epoch runs at ``learning_rate_init``. Epochs
    beyond the budget (``partial_fit`` going on) stay at ``learning_rate_min``.
    """

    def __init__(
        self, learning_rate_init, *, max_epochs, learning_rate_min=0.0, **options
    ):
        super().__init__(learning_rate_init, **options)
        if max_epochs <= self.warmup_epochs:
            raise ValueError(
                "Cosine annealing needs max_epochs > warmup_epochs, got "
                f"max_epochs={max_epochs} and warmup_epochs={self.warmup_epochs}."
            )
        self.max_epochs = max_epochs
        self.learning_rate_min = float(learning_rate_min)

    def rate_at(self, epoch, n_samples_seen):
        last_epoch = self.max_epochs - self.warmup_epochs - 1
        if epoch >= last_epoch:
            return self.learning_rate_min
        cosine_weight = (1 + math.cos(math.pi * epoch / last_epoch)) / 2
        span = self.learning_rate_init - self.learning_rate_min
        return self.learning_rate_min + span * cosine_weight


class StepDecay(Schedule):
    """Multiply the rate by ``decay_factor`` every ``step_epochs`` epochs.

    With :math:`\\gamma` = ``decay_factor`` and :math:`s` = ``step_epochs``,
    the rule's epoch :math:`e` runs at

    .. math::
        \\eta_e = \\eta_0 \\, \\gamma^{\\lfloor e / s \\rfloor}.
    """

    def __init__(
        self, learning_rate_init, *, step_epochs=10, decay_factor=0.1, **options
    ):
        super().__init__(learning_rate_init, **options)
        self.step_epochs = step_epochs
        self.decay_factor = decay_factor

    def rate_at(self, epoch, n_samples_seen):
        n_decays = epoch // self.step_epochs
        return self.learning_rate_init * self.decay_factor**n_decays


def make_schedule(name, learning_rate_init, **options):
    """The schedule ``name`` of :data:`SCHEDULES`, starting at ``learning_rate_init``.

    ``options`` may hold every schedule's options (``power_t``, ``max_epochs``,
    ``learning_rate_min``, ``step_epochs``, ``decay_factor``,
    ``warmup_epochs``); each schedule takes the ones it uses.

    Examples
    --------
    >>> schedule = make_schedule("step", 0.1, step_epochs=2, warmup_epochs=1)
    >>> schedule.learning_rate  # warm-up: half the rate
    0.05
    >>> [round(schedule.epoch_end(0), 4) for _ in range(5)]
    [0.1, 0.1, 0.01, 0.01, 0.001]
    """
    return SCHEDULES[name](learning_rate_init, **options)


SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
    "cosine": Cosine,
    "step": StepDecay,
}
