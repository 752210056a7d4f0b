"""Recharges (S4): refused below the minimum, invoiced and paid (the ledger nets to zero),
credited, and reactivating at the minimum; tables of hand-computed cases (inside A1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.billing.models import Invoice
from tenant_apps.collections.models import Payment
from tenant_apps.ledger.models import Account, Entry
from tenant_apps.parameters.selectors import company_today
from tenant_apps.prepaid.models import Wallet, WalletEntry
from tenant_apps.prepaid.services import prepaid_day_run, recharge
from tenant_apps.provisioning.models import Command

from .helpers import ACTOR, prepaid_plan, sell_prepaid, set_parameters, statuses

pytestmark = pytest.mark.django_db


def ledger_balance(customer) -> D:
    return sum(
        Entry.objects.filter(account=Account.objects.get(customer=customer)).values_list(
            "amount", flat=True
        ),
        D(0),
    )


RECHARGES = [
    # id, balance before the activation (0.50: off at once), amount, accepted, reactivated,
    # balance after, services on after
    ("off, below the minimum", "0.50", "29.99", False, False, "0.50", False),
    ("off, at the minimum", "0.50", "30.00", True, True, "28.50", True),  # 0.50 + 30 - 2
    ("off, above the minimum", "0.50", "50.00", True, True, "48.50", True),
    ("on, at the minimum", "10.00", "30.00", True, False, "38.00", True),  # 10 - 2 + 30
    ("on, below the minimum", "10.00", "20.00", False, False, "8.00", True),
    ("half a cent rounds up to the minimum", "0.50", "29.995", True, True, "28.50", True),
]


@pytest.mark.parametrize(
    ("before", "amount", "accepted", "reactivated", "after", "on"),
    [case[1:] for case in RECHARGES],
    ids=[case[0] for case in RECHARGES],
)
def test_recharge(in_a1, before, amount, accepted, reactivated, after, on):
    """Plan: daily value 2.00, minimum 30.00. Below the minimum: refused on ``amount``, nothing
    written. Accepted: one recharge invoice paid by its payment (the account nets to zero), the
    wallet credited; services off and the minimum reached: back on, today charged at once."""
    shop = sell_prepaid(balance=before)
    invoices, payments = Invoice.objects.count(), Payment.objects.count()
    if not accepted:
        with pytest.raises(ValidationError) as exc:
            recharge(actor=ACTOR, customer=shop.customer, amount=D(amount), origin="cash_desk",
                     idempotency_key="r1")  # fmt: skip
        assert exc.value.error_dict["amount"][0].code == "recharge_below_minimum"
        assert "30.00" in exc.value.message_dict["amount"][0]
        assert (Invoice.objects.count(), Payment.objects.count()) == (invoices, payments)
        wallet = Wallet.objects.get(customer=shop.customer)
        assert (str(wallet.balance), wallet.active) == (after, on)
        return
    result = recharge(
        actor=ACTOR, customer=shop.customer, amount=D(amount), origin="cash_desk",
        idempotency_key="r1",
    )  # fmt: skip
    wallet = Wallet.objects.get(customer=shop.customer)
    assert (str(wallet.balance), wallet.active) == (after, on)
    assert result.reactivated is reactivated
    credited = D(amount).quantize(D("0.01"))
    invoice = result.invoice
    assert (invoice.kind, invoice.total, invoice.customer_id) == ("recharge", credited,
                                                                  shop.customer.pk)  # fmt: skip
    assert invoice.lines.get().kind == "recharge"
    assert result.payment.amount == credited and result.payment.origin == "cash_desk"
    assert ledger_balance(shop.customer) == 0  # invoice debit + payment credit
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.open_amount == 0
    entry = result.entry
    assert (entry.kind, entry.amount, entry.invoice_id, entry.payment_id) == (
        "recharge", credited, invoice.pk, result.payment.pk)  # fmt: skip
    assert wallet.balance == sum(wallet.entries.values_list("amount", flat=True), D(0))
    if reactivated:
        assert result.charged == D("2.00")
        assert statuses(shop.customer) == [("active", "")] * 3
        assert (
            Command.objects.filter(
                subscription__customer=shop.customer, action="activate", reason="prepaid_recharge"
            ).count()
            == 3
        )


def test_recharge_twice_with_the_same_key_is_one_recharge(in_a1):
    shop = sell_prepaid(balance="10.00")
    first = recharge(actor=ACTOR, customer=shop.customer, amount=D("30.00"), origin="pix",
                     idempotency_key="same")  # fmt: skip
    again = recharge(actor=ACTOR, customer=shop.customer, amount=D("30.00"), origin="pix",
                     idempotency_key="same")  # fmt: skip
    assert again.replayed and again.invoice.pk == first.invoice.pk
    assert Invoice.objects.filter(customer=shop.customer, kind="recharge").count() == 1
    assert Wallet.objects.get(customer=shop.customer).balance == D("38.00")
    with pytest.raises(ValidationError):
        recharge(actor=ACTOR, customer=shop.customer, amount=D("40.00"), origin="pix",
                 idempotency_key="same")  # fmt: skip


def test_each_recharge_has_its_invoice(in_a1):
    """Prepaid customers get one invoice per recharge."""
    shop = sell_prepaid(balance="10.00")
    for i in range(3):
        recharge(actor=ACTOR, customer=shop.customer, amount=D("30.00"), origin="pix",
                 idempotency_key=f"k{i}")  # fmt: skip
    numbers = list(Invoice.objects.filter(customer=shop.customer).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3
    assert Wallet.objects.get(customer=shop.customer).balance == D("98.00")


def test_the_reactivation_day_is_not_charged_again_at_midnight(in_a1):
    """Reactivated today (today charged at once): the job for today charges nothing, the next
    day charges 2.00."""
    shop = sell_prepaid(balance="0.50")
    recharge(actor=ACTOR, customer=shop.customer, amount=D("30.00"), origin="pix",
             idempotency_key="r")  # fmt: skip
    today = company_today()
    assert prepaid_day_run(actor=ACTOR, day=today)["charged"] == 0
    assert prepaid_day_run(actor=ACTOR, day=today + dt.timedelta(days=1))["charged"] == 1
    assert Wallet.objects.get(customer=shop.customer).balance == D("26.50")
    assert WalletEntry.objects.filter(wallet__customer=shop.customer, day=today,
                                      kind="daily").count() == 1  # fmt: skip


def test_an_accepted_recharge_below_the_minimum_balance_keeps_the_services_off(in_a1):
    """Company minimum 20.00 (the plan has none); off with 0.50: a recharge of 20.00 is
    accepted and reaches the minimum (20.50): back on. Without the minimum reached (a plan
    minimum of 30.00 with a company minimum of 20.00 makes 30.00 the minimum)."""
    set_parameters(prepaid_min_recharge=D("20.00"))
    shop = sell_prepaid(prepaid_plan(min_recharge=None), balance="0.50")
    result = recharge(actor=ACTOR, customer=shop.customer, amount=D("20.00"), origin="pix",
                      idempotency_key="c")  # fmt: skip
    assert result.reactivated
    assert Wallet.objects.get(customer=shop.customer).balance == D("18.50")


def test_a_recharge_needs_a_key_and_a_positive_amount(in_a1):
    shop = sell_prepaid(balance="10.00")
    with pytest.raises(ValidationError) as exc:
        recharge(actor=ACTOR, customer=shop.customer, amount=D("30.00"), origin="pix",
                 idempotency_key="")  # fmt: skip
    assert "idempotency_key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        recharge(actor=ACTOR, customer=shop.customer, amount=D("-5.00"), origin="pix",
                 idempotency_key="neg")  # fmt: skip
    assert "amount" in exc.value.message_dict
