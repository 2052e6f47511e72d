"""Learning-rate schedules: per-epoch rates and the answer to a plateau."""

import pytest

from skperceptron._core import SCHEDULES


def plateaus_until_stop(schedule, limit=100):
    """Rates after each plateau the schedule survives, until it says stop."""
    rates = []
    while schedule.on_plateau():
        rates.append(schedule.learning_rate)
        assert len(rates) < limit, "the schedule never stops"
    return rates


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_schedule_starts_at_the_initial_rate(name):
    schedule = SCHEDULES[name](0.01, power_t=0.25)
    assert schedule.learning_rate == 0.01
    assert isinstance(schedule.learning_rate, float)


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


@pytest.mark.parametrize("initial_rate", [1e-6, 5e-7])
def test_adaptive_at_or_below_the_floor_stops_without_dividing(initial_rate):
    schedule = SCHEDULES["adaptive"](initial_rate)
    assert schedule.on_plateau() is False
    assert schedule.learning_rate == initial_rate
