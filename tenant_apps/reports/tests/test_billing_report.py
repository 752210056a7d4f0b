"""Billing by cycle and system: a hand-computed table (3 invoices in 2 cycles with TV and
internet lines and taxes, a one-off invoice cancelled since, a draft left out)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.factories import CustomerFactory
from tenant_apps.reports.selectors import billing_report

from .helpers import NOV, OCT, as_draft, cancel, invoice, line, taxes

pytestmark = pytest.mark.django_db

OCT1 = dt.date(2026, 10, 1)
NOV1 = dt.date(2026, 11, 1)


@pytest.fixture
def billed(in_a1):
    """Oct: X pays TV 100 − promotion 20 (10 % added: 8.00) and internet 80 (5 % included:
    4.00) = 168.00; Y pays internet 99.90 (included 4.995 → 5.00) = 99.90.
    Nov: X pays TV 50 (added 5.00) and an installation of 30 (no system) = 85.00; a one-off
    invoice of 40 issued on 15 Nov (no cycle: its issue month) is cancelled; a draft of 999
    is ignored."""
    taxes()
    x, y = CustomerFactory(), CustomerFactory()
    one = invoice(
        x, line("100", "tv"), line("-20", "tv", "promotion"), line("80", "internet"), cycle=OCT
    )
    two = invoice(y, line("99.90", "internet"), cycle=OCT)
    three = invoice(x, line("50", "tv"), line("30", "", "charge"), cycle=NOV)
    four = invoice(y, line("40", "", "charge"), issued_on=dt.date(2026, 11, 15))
    cancel(four)
    draft = invoice(y, line("999", "tv"), cycle=NOV)
    as_draft(draft)
    assert (one.total, two.total, three.total, four.total) == (
        D("168.00"),
        D("99.90"),
        D("85.00"),
        D("40.00"),
    )
    return x, y


def _table(rows):
    return [
        (
            r.cycle,
            r.system,
            r.invoices,
            r.amount,
            r.added_tax,
            r.included_tax,
            r.total,
            r.cancelled_invoices,
            r.cancelled_total,
            r.net_total,
        )
        for r in rows
    ]


def test_rows_by_cycle_and_system(billed):
    """Each (cycle, system): invoices, amounts, added and included taxes, total, cancelled."""
    report = billing_report()
    assert _table(report.rows) == [
        (OCT1, "internet", 2, D("179.90"), D("0"), D("9.00"), D("179.90"), 0, D("0"), D("179.90")),
        (OCT1, "tv", 1, D("80.00"), D("8.00"), D("0"), D("88.00"), 0, D("0"), D("88.00")),
        (NOV1, "other", 2, D("70.00"), D("0"), D("0"), D("70.00"), 1, D("40.00"), D("30.00")),
        (NOV1, "tv", 1, D("50.00"), D("5.00"), D("0"), D("55.00"), 0, D("0"), D("55.00")),
    ]
    assert [r.system_label for r in report.rows] == ["Internet", "TV", "Other", "TV"]


def test_cycle_totals_count_each_invoice_once(billed):
    """A cycle's row counts invoices, not lines; the grand total adds the cycles up."""
    report = billing_report()
    assert _table(report.cycles) == [
        (OCT1, "", 2, D("259.90"), D("8.00"), D("9.00"), D("267.90"), 0, D("0"), D("267.90")),
        (NOV1, "", 2, D("120.00"), D("5.00"), D("0"), D("125.00"), 1, D("40.00"), D("85.00")),
    ]
    assert _table([report.totals]) == [
        (None, "", 4, D("379.90"), D("13.00"), D("9.00"), D("392.90"), 1, D("40"), D("352.90"))
    ]
    for cycle in report.cycles:
        rows = [r for r in report.rows if r.cycle == cycle.cycle]
        assert sum(r.total for r in rows) == cycle.total


@pytest.mark.parametrize(
    ("cycle_from", "cycle_to", "cycles"),
    [
        (None, None, [OCT1, NOV1]),
        (NOV1, None, [NOV1]),
        (None, OCT1, [OCT1]),
        (dt.date(2026, 10, 2), dt.date(2026, 10, 31), []),
    ],
)
def test_cycle_range(billed, cycle_from, cycle_to, cycles):
    """The range bounds the cycle start, both ends inclusive."""
    report = billing_report(cycle_from=cycle_from, cycle_to=cycle_to)
    assert [c.cycle for c in report.cycles] == cycles
    assert sorted({r.cycle for r in report.rows}) == cycles
