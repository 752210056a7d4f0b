"""customer_debt and the 360 read the same debt from the database: open invoices past due,
plus what remains of a migrated opening balance after the payment credit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.collections.services import payment_reverse
from tenant_apps.collections.tests.helpers import ACTOR, invoice, opening, pay
from tenant_apps.customers.selectors import customer_overview
from tenant_apps.factories import CustomerFactory
from tenant_apps.ledger.selectors import customer_debt

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 3)


def test_invoices_openings_and_credit_from_the_database(in_a1):
    """Opening 100.00 due 2024-04-10; a payment of 40.00 with no invoice open takes 40 of it;
    then an invoice of 50.00 due 2026-11-10 and one of 30.00 not yet due: the debt is
    60.00 + 50.00 = 110.00, 967 days old. Reversing the payment brings the opening back."""
    customer = CustomerFactory()
    opening(customer, "100.00", dt.date(2024, 4, 10), f"sel-open-{customer.pk}")
    payment = pay(customer, "40.00", f"sel-pay-{customer.pk}")
    late = invoice(customer, "50.00", dt.date(2026, 11, 10))
    invoice(customer, "30.00", dt.date(2026, 12, 20))
    debt = customer_debt(customer.pk, today=TODAY)
    assert (debt.overdue, debt.oldest_overdue_on, debt.days_overdue) == (
        Decimal("110.00"),
        dt.date(2024, 4, 10),
        967,
    )
    assert debt.overdue_invoices == (late.number,)
    assert debt.overdue_opening == Decimal("60.00")
    assert debt.balance == Decimal("140.00")
    data = customer_overview(customer.pk, today=TODAY)
    assert data["debt"] == {
        "overdue": "110.00",
        "oldest_overdue_on": "2024-04-10",
        "days_overdue": 967,
    }
    assert data["balance"] == "140.00"
    payment_reverse(actor=ACTOR, payment=payment, reason="cheque")
    assert customer_debt(customer.pk, today=TODAY).overdue == Decimal("150.00")


def test_a_customer_without_account_owes_nothing(in_a1):
    debt = customer_debt(999_999, today=TODAY)
    assert (debt.balance, debt.overdue, debt.oldest_overdue_on) == (Decimal("0.00"), 0, None)
