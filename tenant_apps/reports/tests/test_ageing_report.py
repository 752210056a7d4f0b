"""Receivables ageing: the bucket edges (days = as_of − due_on) and the per-payer rows."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.factories import CustomerFactory, GroupFactory
from tenant_apps.reports.selectors import BUCKETS, ageing_report

from .helpers import cancel, invoice, line, pay

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-1, "not_due"),
        (0, "d0_30"),
        (30, "d0_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d90_plus"),
        (400, "d90_plus"),
    ],
)
def test_bucket_edges(in_a1, days, bucket):
    """An invoice due ``days`` before as_of lands in exactly one bucket."""
    due = AS_OF - dt.timedelta(days=days)
    invoice(CustomerFactory(), line("10"), issued_on=min(due, AS_OF), due_on=due)
    report = ageing_report(as_of=AS_OF)
    assert report.totals.amounts == {b: D("10") if b == bucket else D("0") for b in BUCKETS}
    assert report.totals.counts == {b: 1 if b == bucket else 0 for b in BUCKETS}


def test_totals_and_top_payers(in_a1):
    """Open amounts only (a partial payment lowers it; paid, cancelled and future invoices are
    out); rows by open amount, largest first, ``top`` of them, with the payer count."""
    x, y, z = CustomerFactory(name="Xavier"), CustomerFactory(name="Yara"), CustomerFactory()
    group = GroupFactory(name="Condomínio Sol")
    a = invoice(x, line("100"), issued_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 9, 1))
    invoice(x, line("50"), issued_on=dt.date(2026, 11, 20), due_on=dt.date(2026, 12, 10))
    pay(x, "30", "pix", dt.date(2026, 10, 1), a)  # a: 70 open, 93 days
    invoice(y, line("200"), issued_on=dt.date(2026, 11, 1), due_on=dt.date(2026, 11, 2))
    paid = invoice(z, line("40"), issued_on=dt.date(2026, 11, 1), due_on=dt.date(2026, 11, 2))
    pay(z, "40", "pix", dt.date(2026, 11, 2), paid)
    from tenant_apps.billing.models import Invoice

    Invoice.objects.filter(pk=paid.pk).update(status="paid")
    cancel(invoice(z, line("15"), issued_on=dt.date(2026, 11, 1), due_on=dt.date(2026, 11, 2)))
    invoice(z, line("99"), issued_on=dt.date(2026, 12, 4))  # issued after as_of
    invoice(group, line("25"), issued_on=dt.date(2026, 10, 1), due_on=dt.date(2026, 10, 3))

    report = ageing_report(as_of=AS_OF, top=2)
    t = report.totals
    assert t.bucket_amounts == [D("50"), D("0"), D("200"), D("25"), D("70")]
    assert t.bucket_counts == [1, 0, 1, 1, 1]
    assert (t.total, t.invoices, report.payers) == (D("345"), 4, 3)
    assert [(r.name, r.customer_id, r.group_id, r.total, r.invoices) for r in report.rows] == [
        ("Yara", y.pk, None, D("200"), 1),
        ("Xavier", x.pk, None, D("120"), 2),
    ]
    assert report.rows[1].bucket_amounts == [D("50"), D("0"), D("0"), D("0"), D("70")]
    everyone = ageing_report(as_of=AS_OF)
    assert [r.name for r in everyone.rows] == ["Yara", "Xavier", "Condomínio Sol"]
    assert everyone.rows[2].group_id == group.pk


def test_default_as_of_is_company_today(in_a1):
    from tenant_apps.parameters.selectors import company_today

    assert ageing_report().as_of == company_today()
