"""Billing cycles: pure date rules, no ORM, request or settings access.

A cycle starts on the company's billing day (1 to 28) of a month, inclusive, and ends on the
same day of the next month, exclusive. Because the billing day is at most 28 every month has
that day, so a cycle's length is the length of the month it starts in, shifted by the billing
day: with billing day 1 a cycle is a calendar month (28 to 31 days); with billing day 15 the
cycle starting on 15 January has 31 days (the days of January) and the one starting on
15 February has 28 or 29.

Recurring charges are billed for the cycle just closed (in arrears, the default) or for the
cycle starting (in advance), per the company's ``billing_timing`` parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

ARREARS = "arrears"
ADVANCE = "advance"
MIN_BILLING_DAY = 1
MAX_BILLING_DAY = 28


@dataclass(frozen=True, order=True)
class Cycle:
    """One billing cycle: ``start`` inclusive, ``end`` exclusive."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Days in the cycle (28 to 31)."""
        return (self.end - self.start).days

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def overlap(self, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
        """The part of ``[start, end)`` inside the cycle (``None`` bounds are open), or ``None``
        when they do not meet."""
        lo = self.start if start is None else max(self.start, start)
        hi = self.end if end is None else min(self.end, end)
        return (lo, hi) if lo < hi else None

    def previous(self) -> Cycle:
        return Cycle(self.start - relativedelta(months=1), self.start)

    def next(self) -> Cycle:
        return Cycle(self.end, self.end + relativedelta(months=1))


def _check_billing_day(billing_day: int) -> None:
    if not MIN_BILLING_DAY <= billing_day <= MAX_BILLING_DAY:
        raise ValueError(f"billing day must be 1 to 28, not {billing_day!r}")


def cycle_containing(day: dt.date, billing_day: int) -> Cycle:
    """The cycle that contains ``day``."""
    _check_billing_day(billing_day)
    start = day.replace(day=billing_day)
    if day.day < billing_day:
        start -= relativedelta(months=1)
    return Cycle(start, start + relativedelta(months=1))


def cycle_just_closed(day: dt.date, billing_day: int) -> Cycle:
    """The last cycle that ended on or before ``day`` (the one before the cycle containing it)."""
    return cycle_containing(day, billing_day).previous()


def cycle_to_bill(run_on: dt.date, billing_day: int, timing: str) -> Cycle:
    """The cycle whose recurring charges a run on ``run_on`` bills: the cycle just closed when
    billing in arrears, the cycle starting (the one containing ``run_on``) in advance."""
    if timing == ARREARS:
        return cycle_just_closed(run_on, billing_day)
    if timing == ADVANCE:
        return cycle_containing(run_on, billing_day)
    raise ValueError(f"unknown billing timing {timing!r}")
