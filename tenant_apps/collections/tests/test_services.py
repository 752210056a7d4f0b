"""Payments through the services: allocation oldest first, credit, credit applied later,
reversal reopening exactly, idempotency; tables of hand-computed cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.billing.models import Invoice
from tenant_apps.collections.models import Allocation, Payment
from tenant_apps.collections.services import credit_apply, payment_receive, payment_reverse
from tenant_apps.factories import CustomerFactory
from tenant_apps.ledger.models import Entry
from tenant_apps.ledger.selectors import account_balance, customer_debt

from .helpers import ACTOR, invoice, opening, pay

pytestmark = pytest.mark.django_db
D = Decimal
OCT1, OCT10, NOV10 = dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 11, 10)


def state(*invoices):
    rows = {i.pk: i for i in Invoice.objects.filter(pk__in=[i.pk for i in invoices])}
    return [(str(rows[i.pk].open_amount), rows[i.pk].status) for i in invoices]


@pytest.mark.parametrize(
    "amounts, due, payment, expected, credit",
    [
        # oldest due date first, whatever the order they were issued in
        (["100.00", "50.00"], [NOV10, OCT10], "50.00", [("100.00", "open"), ("0.00", "paid")], "0"),
        # the last one reached is settled in part
        (["100.00", "50.00"], [OCT1, OCT10], "120.00", [("0.00", "paid"), ("30.00", "open")], "0"),
        # everything paid, the rest is credit
        (["100.00", "50.00"], [OCT1, OCT10], "200.00", [("0.00", "paid"), ("0.00", "paid")], "50"),
        # exact total
        (["10.10", "20.20"], [OCT1, OCT1], "30.30", [("0.00", "paid"), ("0.00", "paid")], "0"),
    ],
)
def test_payment_settles_oldest_first_and_keeps_the_rest_as_credit(
    in_a1, amounts, due, payment, expected, credit
):
    customer = CustomerFactory()
    invoices = [invoice(customer, a, d) for a, d in zip(amounts, due, strict=True)]
    received = pay(customer, payment, f"p-{customer.pk}")
    assert state(*invoices) == expected
    allocated = sum(a.amount for a in received.allocations.all())
    assert received.amount - allocated == D(credit)
    assert received.entry.amount == -D(payment) and received.entry.kind == "payment"
    assert (received.branch_label, received.received_by) == ("Loja Centro", "tests")
    total = sum(D(a) for a in amounts)
    assert account_balance(received.account) == total - D(payment)


def test_a_named_invoice_is_settled_first(in_a1):
    customer = CustomerFactory()
    old, new = invoice(customer, "100.00", OCT1), invoice(customer, "40.00", NOV10)
    pay(customer, "60.00", f"named-{customer.pk}", invoice=new)
    assert state(old, new) == [("80.00", "open"), ("0.00", "paid")]


def test_payment_with_no_open_invoice_is_all_credit_and_credit_apply_uses_it(in_a1):
    """Credit left by a payment settles the invoice issued later when credit_apply runs;
    credit_apply is then a no-op."""
    customer = CustomerFactory()
    received = pay(customer, "70.00", f"credit-{customer.pk}")
    assert not received.allocations.exists()
    later = invoice(customer, "50.00", NOV10)
    assert state(later) == [("50.00", "open")]
    assert credit_apply(actor=ACTOR, account_ids=[received.account_id]) == 1
    assert state(later) == [("0.00", "paid")]
    another = invoice(customer, "30.00", NOV10 + dt.timedelta(days=30))
    assert credit_apply(actor=ACTOR) >= 1
    assert state(another) == [("10.00", "open")]
    assert credit_apply(actor=ACTOR, account_ids=[received.account_id]) == 0


def test_credit_apply_is_one_query_when_there_is_no_credit(in_a1, django_assert_num_queries):
    customer = CustomerFactory()
    invoice(customer, "50.00", NOV10)
    with django_assert_num_queries(1):
        assert credit_apply(actor=ACTOR, account_ids=[customer.account.pk]) == 0


def test_reversal_reopens_exactly_what_it_settled(in_a1):
    """A payment of 120 settled 100 + 20 of 50 and left nothing; a second payment settled
    the remaining 30 and left 10 credit. Reversing the first reopens 100 and 20 exactly, by
    negative rows; the second payment's allocations stay; reversing twice is a no-op."""
    customer = CustomerFactory()
    a, b = invoice(customer, "100.00", OCT1), invoice(customer, "50.00", OCT10)
    first = pay(customer, "120.00", f"r1-{customer.pk}")
    pay(customer, "40.00", f"r2-{customer.pk}")
    assert state(a, b) == [("0.00", "paid"), ("0.00", "paid")]
    reversed_ = payment_reverse(actor=ACTOR, payment=first, reason="Cheque devolvido")
    assert reversed_.status == "reversed" and reversed_.reversal_entry.amount == D("120.00")
    assert state(a, b) == [("100.00", "open"), ("20.00", "open")]
    rows = list(Allocation.objects.filter(payment=first).values_list("amount", "reversal"))
    assert sorted(rows) == sorted(
        [(D("100.00"), False), (D("20.00"), False), (D("-100.00"), True), (D("-20.00"), True)]
    )
    again = payment_reverse(actor=ACTOR, payment=first, reason="twice")
    assert again.reversal_entry_id == reversed_.reversal_entry_id
    assert Allocation.objects.filter(payment=first).count() == 4
    assert account_balance(first.account) == D("150.00") - D("40.00")


def test_reversal_needs_a_reason(in_a1):
    customer = CustomerFactory()
    received = pay(customer, "10.00", f"nr-{customer.pk}")
    with pytest.raises(ValidationError) as exc:
        payment_reverse(actor=ACTOR, payment=received, reason=" ")
    assert "reason" in exc.value.message_dict


def test_receive_is_idempotent_and_refuses_other_values_with_the_same_key(in_a1):
    customer = CustomerFactory()
    inv = invoice(customer, "80.00", OCT1)
    first = pay(customer, "50.00", f"idem-{customer.pk}")
    again = pay(customer, "50.00", f"idem-{customer.pk}")
    assert again.pk == first.pk
    assert Allocation.objects.filter(invoice=inv).count() == 1
    assert Entry.objects.filter(account=first.account, kind="payment").count() == 1
    with pytest.raises(ValidationError) as exc:
        pay(customer, "51.00", f"idem-{customer.pk}")
    assert exc.value.code == "conflict"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"amount": D("0")}, "amount"),
        ({"amount": D("-5.00")}, "amount"),
        ({"amount": D("0.004")}, "amount"),  # rounds to zero
        ({"origin": "bitcoin"}, "origin"),
    ],
)
def test_bad_payments_are_refused_by_field(in_a1, kwargs, field):
    customer = CustomerFactory()
    values = {
        "actor": ACTOR,
        "amount": D("10.00"),
        "origin": "pix",
        "received_on": OCT1,
        "idempotency_key": f"bad-{customer.pk}-{field}",
        "customer": customer,
    } | kwargs
    with pytest.raises(ValidationError) as exc:
        payment_receive(**values)
    assert field in exc.value.message_dict
    assert not Payment.objects.filter(customer=customer).exists()


def test_payer_is_required(in_a1):
    with pytest.raises(ValidationError) as exc:
        payment_receive(
            actor=ACTOR, amount=D("1.00"), origin="pix", received_on=OCT1, idempotency_key="np"
        )
    assert "customer" in exc.value.message_dict


def test_credit_settles_migrated_openings_before_invoices(in_a1):
    """An opening balance of 100 (migrated, due 2024) and an invoice of 50: a payment of 120
    first settles the opening (100), then 20 of the invoice; the debt left is the invoice's
    30. A later credit_apply finds no spare credit."""
    customer = CustomerFactory()
    opening(customer, "100.00", dt.date(2024, 4, 10), f"open-{customer.pk}")
    inv = invoice(customer, "50.00", OCT10)
    pay(customer, "120.00", f"op-{customer.pk}")
    assert state(inv) == [("30.00", "open")]
    debt = customer_debt(customer.pk, today=dt.date(2026, 12, 3))
    assert (debt.overdue, debt.oldest_overdue_on, debt.overdue_opening) == (D("30.00"), OCT10, 0)
    assert credit_apply(actor=ACTOR, account_ids=[customer.account.pk]) == 0


def test_a_payment_costs_a_bounded_number_of_statements(in_a1, django_assert_max_num_queries):
    """Receiving a payment that settles an invoice (no service to resume): at most 35 SQL
    statements, savepoints and the ledger's and audit's writes included."""
    customer = CustomerFactory()
    invoice(customer, "100.00", OCT1)
    with django_assert_max_num_queries(35):
        pay(customer, "50.00", f"count-{customer.pk}")
