"""Billing cycles: hand-computed tables (the dates are given, no clock is read)."""

import datetime as dt

import pytest

from tenant_apps.billing.cycles import (
    ADVANCE,
    ARREARS,
    Cycle,
    cycle_containing,
    cycle_just_closed,
    cycle_to_bill,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "billing_day", "start", "end", "days"),
    [
        # billing day 1: calendar months of 28, 29, 30 and 31 days
        (D(2026, 2, 10), 1, D(2026, 2, 1), D(2026, 3, 1), 28),
        (D(2028, 2, 29), 1, D(2028, 2, 1), D(2028, 3, 1), 29),
        (D(2026, 4, 30), 1, D(2026, 4, 1), D(2026, 5, 1), 30),
        (D(2026, 1, 31), 1, D(2026, 1, 1), D(2026, 2, 1), 31),
        (D(2026, 3, 1), 1, D(2026, 3, 1), D(2026, 4, 1), 31),
        # billing day 15 across February
        (D(2026, 2, 14), 15, D(2026, 1, 15), D(2026, 2, 15), 31),
        (D(2026, 2, 15), 15, D(2026, 2, 15), D(2026, 3, 15), 28),
        (D(2026, 3, 14), 15, D(2026, 2, 15), D(2026, 3, 15), 28),
        (D(2028, 3, 1), 15, D(2028, 2, 15), D(2028, 3, 15), 29),
        (D(2026, 6, 20), 15, D(2026, 6, 15), D(2026, 7, 15), 30),
        # billing day 28 across the year end
        (D(2026, 12, 31), 28, D(2026, 12, 28), D(2027, 1, 28), 31),
        (D(2026, 1, 5), 28, D(2025, 12, 28), D(2026, 1, 28), 31),
    ],
)
def test_cycle_containing(day, billing_day, start, end, days):
    """A cycle starts on the billing day (inclusive) and ends on the same day of the next
    month (exclusive); its length is the number of days in between."""
    cycle = cycle_containing(day, billing_day)
    assert cycle == Cycle(start, end)
    assert cycle.days == days
    assert day in cycle
    assert end not in cycle


@pytest.mark.parametrize(
    ("day", "billing_day", "start", "end"),
    [
        (D(2026, 3, 1), 1, D(2026, 2, 1), D(2026, 3, 1)),
        (D(2026, 1, 10), 1, D(2025, 12, 1), D(2026, 1, 1)),
        (D(2026, 3, 15), 15, D(2026, 2, 15), D(2026, 3, 15)),
        (D(2026, 3, 14), 15, D(2026, 1, 15), D(2026, 2, 15)),
    ],
)
def test_cycle_just_closed(day, billing_day, start, end):
    """The cycle just closed is the one before the cycle containing the day: on the billing
    day itself, the cycle that ended that morning."""
    assert cycle_just_closed(day, billing_day) == Cycle(start, end)


@pytest.mark.parametrize(
    ("run_on", "billing_day", "timing", "start", "end"),
    [
        (D(2026, 3, 1), 1, ARREARS, D(2026, 2, 1), D(2026, 3, 1)),
        (D(2026, 3, 1), 1, ADVANCE, D(2026, 3, 1), D(2026, 4, 1)),
        (D(2026, 3, 16), 15, ARREARS, D(2026, 2, 15), D(2026, 3, 15)),
        (D(2026, 3, 16), 15, ADVANCE, D(2026, 3, 15), D(2026, 4, 15)),
    ],
)
def test_cycle_to_bill(run_on, billing_day, timing, start, end):
    """In arrears a run bills the cycle just closed; in advance, the cycle starting."""
    assert cycle_to_bill(run_on, billing_day, timing) == Cycle(start, end)


def test_previous_and_next_cycles_are_adjacent():
    """A cycle's previous one ends where it starts and its next one starts where it ends."""
    cycle = Cycle(D(2026, 2, 15), D(2026, 3, 15))
    assert cycle.previous() == Cycle(D(2026, 1, 15), D(2026, 2, 15))
    assert cycle.next() == Cycle(D(2026, 3, 15), D(2026, 4, 15))


@pytest.mark.parametrize("billing_day", [0, 29, 31])
def test_billing_day_out_of_range_is_refused(billing_day):
    """Only billing days 1 to 28 exist in every month; others are refused."""
    with pytest.raises(ValueError):
        cycle_containing(D(2026, 2, 10), billing_day)


def test_unknown_timing_is_refused():
    """A timing other than arrears or advance is refused."""
    with pytest.raises(ValueError):
        cycle_to_bill(D(2026, 3, 1), 1, "sometimes")
