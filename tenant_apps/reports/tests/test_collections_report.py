"""Collections by period, origin and system: a hand-computed table (payments of three
origins, partial allocations, an unallocated rest, a reversal, a split that needs the
remainder on the largest share)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.factories import CustomerFactory
from tenant_apps.reports.selectors import SYSTEM_COLUMNS, collections_report

from .helpers import OCT, allocated, invoice, line, pay, taxes

pytestmark = pytest.mark.django_db

NOV5, NOV20 = dt.date(2026, 11, 5), dt.date(2026, 11, 20)


@pytest.fixture
def paid(in_a1):
    """Invoice A (X): TV 100 + 10 % added = 110, internet 50 (included) → 160.
    Invoice B (Y): telephony 10, VOD 10, a charge of 10 (no system) → 30 (no taxes).
    5 Nov: PIX 100 on A (TV 68.75, internet 31.25); cash desk 10 on B (thirds: 3.33 each,
    the remainder cent on the largest share, ties by code: other 3.34).
    20 Nov: bank slip 80: 60 settles A (TV 41.25, internet 18.75), 20 stays on the account;
    PIX 50 on B, reversed since (out of the collected amounts, in its own column).
    2 Dec: card 5 (outside November)."""
    taxes()
    x, y = CustomerFactory(), CustomerFactory()
    a = invoice(x, line("100", "tv"), line("50", "internet"), cycle=OCT)
    b = invoice(y, line("10", "telephony"), line("10", "vod"), line("10", ""), cycle=OCT)
    assert (a.total, b.total) == (D("160.00"), D("30.00"))
    assert allocated(pay(x, "100", "pix", NOV5, a)) == {a.pk: D("100")}
    assert allocated(pay(y, "10", "cash_desk", NOV5, b)) == {b.pk: D("10")}
    assert allocated(pay(x, "80", "bank_slip", NOV20, a)) == {a.pk: D("60")}
    assert allocated(pay(y, "50", "pix", NOV20, b, reverse=True)) == {}
    assert allocated(pay(y, "5", "card", dt.date(2026, 12, 2), b)) == {b.pk: D("5")}
    return a, b


def _systems(**amounts):
    return [D(amounts.get(code, "0")) for code in SYSTEM_COLUMNS]


def _table(rows):
    return [
        (
            r.period,
            r.origin,
            r.payments,
            r.amount,
            r.system_amounts,
            r.reversed_payments,
            r.reversed_amount,
        )
        for r in rows
    ]


def test_by_day_origin_and_system(paid):
    report = collections_report(
        start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), group_by="day"
    )
    assert SYSTEM_COLUMNS == ["tv", "internet", "telephony", "vod", "other", "not_allocated"]
    assert _table(report.rows) == [
        (
            NOV5,
            "cash_desk",
            1,
            D("10"),
            _systems(telephony="3.33", vod="3.33", other="3.34"),
            0,
            D("0"),
        ),
        (NOV5, "pix", 1, D("100"), _systems(tv="68.75", internet="31.25"), 0, D("0")),
        (
            NOV20,
            "bank_slip",
            1,
            D("80"),
            _systems(tv="41.25", internet="18.75", not_allocated="20"),
            0,
            D("0"),
        ),
        (NOV20, "pix", 0, D("0"), _systems(), 1, D("50")),
    ]
    for row in report.rows:
        assert sum(row.system_amounts) == row.amount  # the parts add up exactly


def test_by_month_and_totals(paid):
    report = collections_report(
        start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 31), group_by="month"
    )
    nov, dec = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    assert [(r.period, r.origin, r.payments, r.amount) for r in report.rows] == [
        (nov, "bank_slip", 1, D("80")),
        (nov, "cash_desk", 1, D("10")),
        (nov, "pix", 1, D("100")),
        (dec, "card", 1, D("5")),
    ]
    assert [(r.origin, r.amount, r.reversed_amount) for r in report.by_origin] == [
        ("bank_slip", D("80"), D("0")),
        ("card", D("5"), D("0")),
        ("cash_desk", D("10"), D("0")),
        ("pix", D("100"), D("50")),
    ]
    t = report.totals
    assert (t.payments, t.amount, t.reversed_payments, t.reversed_amount) == (
        4,
        D("195"),
        1,
        D("50"),
    )
    assert t.system_amounts == _systems(
        tv="110", internet="50", telephony="5", vod="5", other="5", not_allocated="20"
    )
    # card 5 on B: telephony 1.666.. → 1.67, vod 1.67, other 1.67 = 5.01: the largest share
    # (ties by code: other) takes −0.01 → 1.66.
    dec_row = report.rows[-1]
    assert dec_row.systems == {"telephony": D("1.67"), "vod": D("1.67"), "other": D("1.66")}


def test_empty_range(paid):
    report = collections_report(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert report.rows == [] and report.totals.amount == 0
