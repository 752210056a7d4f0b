"""The customer's statement: entries in (posted_at, id) order with a running balance equal to
the cumulative sum (from the opening balance before the period), the last one equal to the
account's balance, and each entry's links (invoice, payment, credit note)."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal as D
from unittest import mock

import pytest
from django.utils import timezone

from tenant_apps.billing.models import CreditNote
from tenant_apps.factories import CustomerFactory
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.selectors import account_balance
from tenant_apps.ledger.services import entry_post
from tenant_apps.ledger.statement import account_statement
from tenant_apps.reports.tests.helpers import ACTOR, OCT, cancel, invoice, line, pay

pytestmark = pytest.mark.django_db

SAO_PAULO = dt.timezone(dt.timedelta(hours=-3))


@contextmanager
def posted_at(day: dt.date, hour: int = 12):
    """Pin the clock the entries' ``posted_at`` is taken from."""
    at = dt.datetime.combine(day, dt.time(hour), tzinfo=SAO_PAULO)
    with mock.patch.object(timezone, "now", return_value=at):
        yield


@pytest.fixture
def account(in_a1):
    """Oct 1: invoice 1 of 100 (debit). Oct 10: PIX 60 on it. Oct 31 at 23:30 local: invoice
    2 of 50. Nov 1 at 00:30 local: invoice 3 of 20, cancelled the same day by a credit note.
    Nov 5: a bank slip of 30, reversed on Nov 6."""
    customer = CustomerFactory()
    with posted_at(dt.date(2026, 10, 1)):
        one = invoice(customer, line("100"), cycle=OCT)
    with posted_at(dt.date(2026, 10, 10)):
        pix = pay(customer, "60", "pix", dt.date(2026, 10, 10), one)
    with posted_at(dt.date(2026, 10, 31), 23):
        invoice(customer, line("50"), issued_on=dt.date(2026, 10, 31))
    with posted_at(dt.date(2026, 11, 1), 0):
        three = invoice(customer, line("20"), issued_on=dt.date(2026, 11, 1))
        cancel(three)
        note_entry = entry_post(
            actor=ACTOR,
            account=one.account,
            kind=EntryKind.CREDIT_NOTE,
            amount=D("-20"),
            description="Credit note NC-1",
            idempotency_key="test-credit-note",
        )
        note = CreditNote.objects.create(
            number="NC-1",
            invoice=three,
            amount=D("20"),
            reason="test",
            issued_on=dt.date(2026, 11, 1),
            issued_by="tests",
            entry=note_entry,
        )
    with posted_at(dt.date(2026, 11, 5)):
        slip = pay(customer, "30", "bank_slip", dt.date(2026, 11, 5))
    with posted_at(dt.date(2026, 11, 6)):
        from tenant_apps.collections.services import payment_reverse

        slip = payment_reverse(actor=ACTOR, payment=slip, reason="returned")
    return one.account, {"one": one, "three": three, "pix": pix, "slip": slip, "note": note}


def test_running_balance_is_the_cumulative_sum(account):
    acc, _refs = account
    statement = account_statement(account_id=acc.pk)
    rows = list(statement.entries)
    assert [(r.kind, r.amount, r.running) for r in rows] == [
        ("invoice", D("100.00"), D("100.00")),
        ("payment", D("-60.00"), D("40.00")),
        ("invoice", D("50.00"), D("90.00")),
        ("invoice", D("20.00"), D("110.00")),
        ("credit_note", D("-20.00"), D("90.00")),
        ("payment", D("-30.00"), D("60.00")),
        ("reversal", D("30.00"), D("90.00")),
    ]
    total = D("0")
    for row in rows:
        total += row.amount
        assert row.running == total
    assert rows[-1].running == account_balance(acc) == statement.closing == D("90.00")
    assert statement.opening == D("0")


def test_links(account):
    acc, refs = account
    rows = list(account_statement(account_id=acc.pk).entries)
    assert [(r.invoice_ref, r.payment_ref, r.credit_note_ref) for r in rows] == [
        (refs["one"].pk, None, None),
        (None, refs["pix"].pk, None),
        (rows[2].invoice_ref, None, None),
        (refs["three"].pk, None, None),
        (refs["three"].pk, None, refs["note"].pk),  # a credit note links its invoice
        (None, refs["slip"].pk, None),
        (None, refs["slip"].pk, None),  # the reversal of a payment links the payment
    ]
    assert rows[0].invoice_number == refs["one"].number
    assert rows[4].credit_note_number == "NC-1"
    assert rows[4].invoice_number == refs["three"].number


@pytest.mark.parametrize(
    ("start", "end", "opening", "amounts", "closing"),
    [
        # Days in the company's zone: 31 Oct 23:30 is October, 1 Nov 00:30 is November.
        (dt.date(2026, 11, 1), None, "90", ["20", "-20", "-30", "30"], "90"),
        (None, dt.date(2026, 10, 31), "0", ["100", "-60", "50"], "90"),
        (dt.date(2026, 10, 10), dt.date(2026, 10, 10), "100", ["-60"], "40"),
        (dt.date(2026, 12, 1), None, "90", [], "90"),
    ],
)
def test_period_with_opening_balance(account, start, end, opening, amounts, closing):
    acc, _ = account
    statement = account_statement(account_id=acc.pk, start=start, end=end)
    rows = list(statement.entries)
    assert statement.opening == D(opening)
    assert [r.amount for r in rows] == [D(a) for a in amounts]
    assert statement.closing == D(closing)
    running = D(opening)
    for row in rows:
        running += row.amount
        assert row.running == running


def test_paging_keeps_the_running_balance(account):
    """A page is a slice of the whole ordered window: its running balances do not restart."""
    from django.core.paginator import Paginator

    acc, _ = account
    page = Paginator(account_statement(account_id=acc.pk).entries, 3).get_page(2)
    assert page.paginator.count == 7
    assert [r.running for r in page] == [D("110.00"), D("90.00"), D("60.00")]
