"""Learning-rate schedules: per-epoch rates and the answer to a plateau."""

import math
import pickle

import pytest

from skperceptron._core import SCHEDULES, make_schedule

# every schedule's options at once, plus one that no schedule knows
ALL_OPTIONS = dict(
    power_t=0.25,
    max_epochs=5,
    learning_rate_min=0.001,
    step_epochs=3,
    decay_factor=0.5,
    warmup_epochs=0,
    momentum=0.9,
)
SAMPLES_PER_EPOCH = 99


def rates_per_epoch(schedule, n_epochs):
    """The rate each of ``n_epochs`` epochs runs at, as the training loop sees it."""
    rates = []
    for epoch in range(n_epochs):
        rates.append(schedule.learning_rate)
        schedule.epoch_end(SAMPLES_PER_EPOCH * (epoch + 1))
    return rates


def cosine_rates(init, minimum, n_epochs):
    """Cosine annealing written out: ``init`` in epoch 0, ``minimum`` in the last."""
    return [
        minimum + (init - minimum) * (1 + math.cos(math.pi * e / (n_epochs - 1))) / 2
        for e in range(n_epochs)
    ]


def plateaus_until_stop(schedule, limit=100):
    """Rates after each plateau the schedule survives, until it says stop."""
    rates = []
    while schedule.on_plateau():
        rates.append(schedule.learning_rate)
        assert len(rates) < limit, "the schedule never stops"
    return rates


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_schedule_starts_at_the_initial_rate(name):
    schedule = SCHEDULES[name](0.01, **ALL_OPTIONS)
    assert schedule.learning_rate == 0.01
    assert isinstance(schedule.learning_rate, float)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_make_schedule_builds_the_registry_entry(name):
    schedule = make_schedule(name, 0.01, **ALL_OPTIONS)
    assert type(schedule) is SCHEDULES[name]
    assert rates_per_epoch(schedule, 7) == rates_per_epoch(
        SCHEDULES[name](0.01, **ALL_OPTIONS), 7
    )


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_pickled_schedule_goes_on_where_it_was(name):
    schedule = SCHEDULES[name](0.01, **{**ALL_OPTIONS, "warmup_epochs": 2})
    rates_per_epoch(schedule, 3)
    restored = pickle.loads(pickle.dumps(schedule))
    assert rates_per_epoch(restored, 4) == rates_per_epoch(schedule, 4)


def test_constant_keeps_its_rate_and_stops_on_a_plateau():
    schedule = SCHEDULES["constant"](0.01)
    assert schedule.epoch_end(1000) == 0.01
    assert schedule.on_plateau() is False
    assert schedule.learning_rate == 0.01


@pytest.mark.parametrize(
    ("n_samples_seen", "power_t", "expected"),
    [(0, 0.5, 0.1), (99, 0.5, 0.01), (999, 0.5, 0.1 / 1000**0.5), (15, 0.25, 0.05)],
)
def test_invscaling_formula(n_samples_seen, power_t, expected):
    schedule = SCHEDULES["invscaling"](0.1, power_t=power_t)
    assert schedule.epoch_end(n_samples_seen) == pytest.approx(expected)
    assert schedule.learning_rate == pytest.approx(expected)


def test_invscaling_counts_from_the_initial_rate_each_time():
    schedule = SCHEDULES["invscaling"](0.1, power_t=0.5)
    schedule.epoch_end(99)
    assert schedule.epoch_end(399) == pytest.approx(0.1 / 20)
    assert schedule.on_plateau() is False


def test_adaptive_keeps_its_rate_between_plateaus():
    schedule = SCHEDULES["adaptive"](0.01)
    assert schedule.epoch_end(500) == 0.01


def test_adaptive_divides_by_five_until_at_most_one_millionth():
    schedule = SCHEDULES["adaptive"](1e-3)
    rates = plateaus_until_stop(schedule)
    # 1e-3 / 5**4 = 1.6e-6 is still above 1e-6, so a fifth division happens
    assert rates == pytest.approx([2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7])
    assert schedule.learning_rate == pytest.approx(3.2e-7)


def test_adaptive_floor_applies_to_its_own_rate_not_the_warm_up_ramp():
    schedule = SCHEDULES["adaptive"](2e-6, warmup_epochs=3)
    assert schedule.learning_rate == pytest.approx(5e-7)  # ramped below 1e-6
    assert schedule.on_plateau() is True
    assert schedule.learning_rate == pytest.approx(4e-7 / 4)


@pytest.mark.parametrize("initial_rate", [1e-6, 5e-7])
def test_adaptive_at_or_below_the_floor_stops_without_dividing(initial_rate):
    schedule = SCHEDULES["adaptive"](initial_rate)
    assert schedule.on_plateau() is False
    assert schedule.learning_rate == initial_rate


@pytest.mark.parametrize(
    ("name", "options"),
    [("constant", {}), ("invscaling", {"power_t": 0.5}), ("adaptive", {})],
)
def test_without_warm_up_scikit_learn_schedules_are_unchanged(name, options):
    # scikit-learn's rate for the epoch after t samples, written out
    init = 0.1
    schedule = SCHEDULES[name](init, warmup_epochs=0, **options)
    expected = [
        init / (SAMPLES_PER_EPOCH * epoch + 1) ** 0.5 if name == "invscaling" else init
        for epoch in range(6)
    ]
    assert rates_per_epoch(schedule, 6) == expected
    if name == "adaptive":
        assert schedule.on_plateau() is True
        assert schedule.learning_rate == init / 5


def test_cosine_anneals_from_the_initial_rate_to_exactly_the_minimum():
    schedule = SCHEDULES["cosine"](0.1, max_epochs=6, learning_rate_min=0.01)
    rates = rates_per_epoch(schedule, 9)
    assert rates[0] == 0.1
    assert rates[5] == 0.01  # the last epoch of the budget, exactly
    assert rates[:6] == pytest.approx(cosine_rates(0.1, 0.01, 6), rel=1e-12)
    assert all(later <= earlier for earlier, later in zip(rates, rates[1:]))
    assert rates[6:] == [0.01, 0.01, 0.01]  # partial_fit beyond the budget
    assert schedule.on_plateau() is False


def test_cosine_over_one_epoch_runs_it_at_the_initial_rate():
    schedule = SCHEDULES["cosine"](0.1, max_epochs=1, learning_rate_min=0.01)
    assert rates_per_epoch(schedule, 3) == [0.1, 0.01, 0.01]


def test_cosine_defaults_to_annealing_down_to_zero():
    schedule = SCHEDULES["cosine"](0.1, max_epochs=3)
    assert rates_per_epoch(schedule, 3) == pytest.approx([0.1, 0.05, 0.0])


@pytest.mark.parametrize("max_epochs", [2, 3])
def test_cosine_needs_an_epoch_after_warm_up(max_epochs):
    with pytest.raises(ValueError, match="max_epochs > warmup_epochs"):
        SCHEDULES["cosine"](0.1, max_epochs=max_epochs, warmup_epochs=3)


def test_step_decay_multiplies_every_step_epochs():
    step_epochs = 4
    schedule = SCHEDULES["step"](0.1, step_epochs=step_epochs, decay_factor=0.5)
    rates = rates_per_epoch(schedule, 2 * step_epochs + 1)
    assert rates[0] == 0.1
    assert rates[step_epochs - 1] == 0.1
    assert rates[step_epochs] == pytest.approx(0.05)
    assert rates[2 * step_epochs] == pytest.approx(0.025)
    assert schedule.on_plateau() is False


def test_step_decay_defaults_to_a_tenth_every_ten_epochs():
    rates = rates_per_epoch(SCHEDULES["step"](1.0), 21)
    assert rates[9] == 1.0
    assert [rates[10], rates[20]] == pytest.approx([0.1, 0.01])


def test_warm_up_ramps_linearly_up_to_the_initial_rate():
    # epoch e < W runs at init * (e + 1) / (W + 1); epoch W at init
    schedule = SCHEDULES["constant"](0.1, warmup_epochs=3)
    rates = rates_per_epoch(schedule, 5)
    assert rates == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1], rel=1e-12)
    assert rates[0] > 0


def test_cosine_after_warm_up_anneals_over_the_remaining_epochs():
    schedule = SCHEDULES["cosine"](
        0.1, max_epochs=8, learning_rate_min=0.01, warmup_epochs=3
    )
    rates = rates_per_epoch(schedule, 10)
    assert rates[:3] == pytest.approx([0.025, 0.05, 0.075], rel=1e-12)
    assert rates[3] == 0.1
    assert rates[3:8] == pytest.approx(cosine_rates(0.1, 0.01, 5), rel=1e-12)
    assert rates[7] == 0.01  # still exactly the minimum in the last epoch
    assert rates[8:] == [0.01, 0.01]


def test_step_decay_counts_its_epochs_from_the_end_of_warm_up():
    schedule = SCHEDULES["step"](0.1, step_epochs=2, decay_factor=0.5, warmup_epochs=2)
    rates = rates_per_epoch(schedule, 6)
    assert rates == pytest.approx([0.1 / 3, 0.2 / 3, 0.1, 0.1, 0.05, 0.05])


def test_invscaling_counts_its_samples_from_the_end_of_warm_up():
    schedule = SCHEDULES["invscaling"](0.1, power_t=0.5, warmup_epochs=2)
    rates = rates_per_epoch(schedule, 4)
    # 99 samples after warm-up: 0.1 / (99 + 1) ** 0.5
    assert rates == pytest.approx([0.1 / 3, 0.2 / 3, 0.1, 0.01])


def test_a_plateau_during_warm_up_lowers_the_rate_warm_up_aims_at():
    schedule = SCHEDULES["adaptive"](0.1, warmup_epochs=4)
    rates_per_epoch(schedule, 1)
    assert schedule.on_plateau() is True
    rates = rates_per_epoch(schedule, 4)
    assert rates == pytest.approx([0.02 * 2 / 5, 0.02 * 3 / 5, 0.02 * 4 / 5, 0.02])
