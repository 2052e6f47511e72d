"""Learning-rate schedules: the step size per epoch and what to do on a plateau.

``learning_rate`` is the current rate, ``epoch_end(n_samples_seen)`` moves it
on after an epoch, and ``on_plateau()`` answers whether training should go on
once the loss (or validation score) has stopped improving: True to continue
(the schedule has lowered the rate), False to stop.
"""


class Constant:
    """The rate stays at ``learning_rate_init``; a plateau stops training."""

    def __init__(self, learning_rate_init, **_):
        self.learning_rate = float(learning_rate_init)

    def epoch_end(self, n_samples_seen):
        return self.learning_rate

    def on_plateau(self):
        return False


class InvScaling(Constant):
    """``eta_t = eta_0 / (t + 1) ** power_t`` with ``t`` the samples seen so far."""

    def __init__(self, learning_rate_init, *, power_t=0.5, **_):
        super().__init__(learning_rate_init)
        self.learning_rate_init = float(learning_rate_init)
        self.power_t = power_t

    def epoch_end(self, n_samples_seen):
        self.learning_rate = (
            self.learning_rate_init / (n_samples_seen + 1) ** self.power_t
        )
        return self.learning_rate


class Adaptive(Constant):
    """Keep the rate while training improves; divide it by 5 on each plateau.

    Training stops once a plateau is reached with the rate at or below 1e-6.
    """

    min_learning_rate = 1e-6

    def on_plateau(self):
        if self.learning_rate <= self.min_learning_rate:
            return False
        self.learning_rate /= 5.0
        return True


SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
}
