"""The debt rule (ledger.debt): open invoices past due, plus what remains of migrated opening
balances after the account's unallocated payment credit. Hand-computed table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.ledger.debt import (
    EntryFact,
    InvoiceFact,
    credit_for_invoices,
    debt_of,
    openings_left,
)

D = Decimal
TODAY = dt.date(2026, 12, 3)


def inv(number, amount, due):
    return InvoiceFact(number, D(amount), dt.date.fromisoformat(due))


def op(amount, due):
    return EntryFact(D(amount), dt.date.fromisoformat(due))


@pytest.mark.parametrize(
    "label, invoices, openings, credit, overdue, oldest, days, numbers",
    [
        ("nothing", [], [], "0", "0.00", None, 0, ()),
        # an invoice due today is not overdue; due yesterday is, 1 day
        ("due today", [inv("1", "50.00", "2026-12-03")], [], "0", "0.00", None, 0, ()),
        (
            "due yesterday",
            [inv("1", "50.00", "2026-12-02")],
            [],
            "0",
            "50.00",
            "2026-12-02",
            1,
            ("1",),
        ),
        # open amounts, not totals: a partly paid invoice counts for what is left
        (
            "two overdue, one future",
            [
                inv("7", "30.00", "2026-11-10"),
                inv("5", "12.50", "2026-10-10"),
                inv("9", "99.00", "2026-12-20"),
            ],
            [],
            "0",
            "42.50",
            "2026-10-10",
            54,
            ("5", "7"),
        ),
        # unallocated credit does not reduce invoices (credit_apply allocates it)
        (
            "credit vs invoice",
            [inv("1", "50.00", "2026-11-01")],
            [],
            "80",
            "50.00",
            "2026-11-01",
            32,
            ("1",),
        ),
        # an opening balance counts; credit settles it
        ("opening", [], [op("120.50", "2024-04-10")], "0", "120.50", "2024-04-10", 967, ()),
        (
            "opening part paid",
            [],
            [op("120.50", "2024-04-10")],
            "20.50",
            "100.00",
            "2024-04-10",
            967,
            (),
        ),
        ("opening paid", [], [op("120.50", "2024-04-10")], "200", "0.00", None, 0, ()),
        # openings oldest first: the older is settled, the newer remains
        (
            "two openings",
            [],
            [op("10.00", "2026-01-01"), op("20.00", "2025-01-01")],
            "25",
            "5.00",
            "2026-01-01",
            336,
            (),
        ),
        # a negative opening (migrated credit) settles the positive ones
        (
            "migrated credit",
            [],
            [op("-30.00", "2024-01-01"), op("50.00", "2024-02-01")],
            "0",
            "20.00",
            "2024-02-01",
            1036,
            (),
        ),
        # an opening not yet due is not overdue
        ("future opening", [], [op("40.00", "2026-12-10")], "0", "0.00", None, 0, ()),
        # invoice and opening together: age from the oldest of both
        (
            "both",
            [inv("3", "10.00", "2026-11-30")],
            [op("15.00", "2026-06-01")],
            "0",
            "25.00",
            "2026-06-01",
            185,
            ("3",),
        ),
    ],
)
def test_debt_rule(label, invoices, openings, credit, overdue, oldest, days, numbers):
    debt = debt_of(
        balance=D("0.00"), invoices=invoices, openings=openings, credit=D(credit), today=TODAY
    )
    assert debt.overdue == D(overdue)
    assert debt.oldest_overdue_on == (dt.date.fromisoformat(oldest) if oldest else None)
    assert debt.days_overdue == days
    assert debt.overdue_invoices == numbers


@pytest.mark.parametrize(
    "openings, credit, left, spare",
    [
        ([], "50", [], "50"),
        ([op("30.00", "2024-01-01")], "50", [], "20"),
        ([op("30.00", "2024-01-01")], "10", [op("20.00", "2024-01-01")], "0"),
        ([op("30.00", "2024-01-01"), op("-30.00", "2024-01-01")], "10", [], "10"),
        (
            [op("5.00", "2025-01-01"), op("5.00", "2024-01-01")],
            "7",
            [op("3.00", "2025-01-01")],
            "0",
        ),
    ],
)
def test_openings_take_the_credit_first(openings, credit, left, spare):
    """What remains of the openings after the credit, and the credit left for invoices."""
    assert openings_left(openings, D(credit)) == left
    assert credit_for_invoices(openings, D(credit)) == D(spare)
