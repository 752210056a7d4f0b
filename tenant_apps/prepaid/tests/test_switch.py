"""The prepaid <-> postpaid switches through ``plan_change`` (S4), hand-computed (inside A1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.billing.models import Invoice, TaxRate
from tenant_apps.billing.services.issue import LineSpec, charge_add, invoice_issue
from tenant_apps.catalog.choices import ProductRole, System, Technology
from tenant_apps.factories import (
    AddressFactory,
    CustomerFactory,
    PlanItemFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
)
from tenant_apps.ledger.models import Account, Entry
from tenant_apps.parameters.selectors import company_today
from tenant_apps.prepaid.models import Wallet, WalletEntry
from tenant_apps.sales.models import Sale, Subscription
from tenant_apps.sales.services.selling import plan_change, sale_create

from .helpers import ACTOR, prepaid_plan, sell_prepaid, set_parameters, statuses

pytestmark = pytest.mark.django_db
CHANGE_ON = dt.date(2026, 6, 10)


def postpaid_customer(activated: list[dt.date], prices=("60.00", "29.90")):
    """A postpaid plan (internet, TV) sold and active since the given dates."""
    plan = SalesPlanFactory(free_installation=True)
    for price, system, tech in zip(
        prices, (System.INTERNET, System.TV), (Technology.FTTH, Technology.HFC), strict=True
    ):
        product = ProductFactory(system=system, role=ProductRole.MAIN, technology=tech,
                                 monthly_price=D(price), daily_cost=D("1.0000"))  # fmt: skip
        PlanItemFactory(plan=plan, product=product, price=D(price))
    zone = ZoneFactory(technologies=[Technology.FTTH, Technology.HFC])
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, zone=zone)
    sale = sale_create(actor=ACTOR, customer=customer, address=address, plan=plan)
    subs = list(sale.subscriptions.order_by("id"))
    for sub, on in zip(subs, activated, strict=True):
        Subscription.objects.filter(pk=sub.pk).update(status="active", activated_on=on)
    return customer, [Subscription.objects.get(pk=s.pk) for s in subs]


def old_invoice(customer, *, due_on):
    """An invoice of 80.00 due on ``due_on``, unpaid."""
    invoice_issue(actor=ACTOR, kind="one_off", customer=customer, idempotency_key=f"old:{due_on}",
                  lines=[LineSpec(kind="charge", description="Visita", amount=D("80.00"))],
                  issued_on=due_on - dt.timedelta(days=10), due_on=due_on)  # fmt: skip


FINAL_INVOICES = [
    # billing day, timing, activation of internet (60.00) and TV (29.90), lines, total
    # Cycle 1 Jun - 1 Jul (30 days); change on 10 Jun: 9 days of internet = 18.00,
    # 5 days of TV (from 5 Jun) = 29.90 x 5 / 30 = 4.983 -> 4.98
    (1, "arrears", [dt.date(2026, 5, 20), dt.date(2026, 6, 5)], ["18.00", "4.98"], "22.98"),
    # Cycle 15 May - 15 Jun (31 days): internet 21 days = 60 x 21 / 31 = 40.645 -> 40.65;
    # TV 5 days = 29.90 x 5 / 31 = 4.8226 -> 4.82
    (15, "arrears", [dt.date(2026, 5, 20), dt.date(2026, 6, 5)], ["40.65", "4.82"], "45.47"),
    # Both active since before the cycle: 9 of 30 days each: 18.00 and 8.97
    (1, "arrears", [dt.date(2026, 1, 1), dt.date(2026, 1, 1)], ["18.00", "8.97"], "26.97"),
    # In advance the cycle was billed when it started: no recurring line, no invoice
    (1, "advance", [dt.date(2026, 5, 20), dt.date(2026, 6, 5)], [], None),
]


@pytest.mark.parametrize(("billing_day", "timing", "activated", "lines", "total"), FINAL_INVOICES)
def test_to_prepaid_issues_the_prorated_final_invoice(
    in_a1, billing_day, timing, activated, lines, total
):
    """Postpaid -> prepaid on 10 June closes the postpaid period: one ``final`` invoice with the
    days of the current cycle not billed yet (arrears), prorated like the run."""
    set_parameters(billing_day=billing_day, billing_timing=timing)
    TaxRate.objects.all().delete()
    customer, subs = postpaid_customer(activated)
    change = plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                         effective_on=CHANGE_ON, today=CHANGE_ON)  # fmt: skip
    invoice = Invoice.objects.filter(customer=customer, kind="final").first()
    if total is None:
        assert invoice is None
    else:
        assert [str(line.amount) for line in invoice.lines.order_by("position")] == lines
        assert invoice.total == D(total)
        assert invoice.idempotency_key == f"final:{change.pk}"
        assert {line.period_end for line in invoice.lines.all()} == {CHANGE_ON}
        account = Account.objects.get(customer=customer)
        assert Entry.objects.get(account=account, kind="invoice").amount == D(total)
    assert all(s.prepaid for s in change.subscriptions.all())
    assert Wallet.objects.filter(customer=customer).exists()


def test_to_prepaid_bills_the_unbilled_charges_too(in_a1):
    set_parameters(billing_day=1, billing_timing="arrears")
    TaxRate.objects.all().delete()
    customer, subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])
    charge_add(actor=ACTOR, customer=customer, kind="service", amount=D("15.00"),
               description="Visita técnica", source="agent", idempotency_key="visit")  # fmt: skip
    plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                effective_on=CHANGE_ON, today=CHANGE_ON)  # fmt: skip
    invoice = Invoice.objects.get(customer=customer, kind="final")
    assert invoice.total == D("18.00") + D("8.97") + D("15.00")


def test_to_prepaid_is_refused_with_overdue_debt_and_nothing_is_written(in_a1):
    customer, subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])
    old_invoice(customer, due_on=CHANGE_ON - dt.timedelta(days=5))
    sales = Sale.objects.count()
    with pytest.raises(ValidationError) as exc:
        plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                    effective_on=CHANGE_ON, today=CHANGE_ON)  # fmt: skip
    assert "80.00" in exc.value.message_dict["plan"][0]
    assert Sale.objects.count() == sales
    assert not Invoice.objects.filter(customer=customer, kind="final").exists()
    assert [s.status for s in Subscription.objects.filter(customer=customer)] == ["active"] * 2


def test_a_debt_not_yet_due_does_not_block_the_move(in_a1):
    TaxRate.objects.all().delete()
    customer, subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])
    old_invoice(customer, due_on=CHANGE_ON + dt.timedelta(days=5))
    plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                effective_on=CHANGE_ON, today=CHANGE_ON)  # fmt: skip
    assert Invoice.objects.filter(customer=customer, kind="final").exists()


def test_a_switch_takes_effect_today_only(in_a1):
    _customer, subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])
    with pytest.raises(ValidationError) as exc:
        plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                    effective_on=CHANGE_ON + dt.timedelta(days=3), today=CHANGE_ON)  # fmt: skip
    assert "effective_on" in exc.value.message_dict


def test_to_prepaid_charges_the_first_prepaid_day_or_turns_it_off(in_a1):
    """The new prepaid products start today: with no balance they are off at once."""
    TaxRate.objects.all().delete()
    customer, subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])
    today = company_today()
    change = plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                         effective_on=today)  # fmt: skip
    new_ids = set(change.subscriptions.values_list("pk", flat=True))
    new = list(Subscription.objects.filter(pk__in=new_ids))
    assert {(s.status, s.suspension) for s in new if s.status != "pending"} == {
        ("suspended", "prepaid")
    }
    assert not Wallet.objects.get(customer=customer).active


TO_POSTPAID = [
    # balance seeded before the activation (today's first day costs 2.00 and is given back:
    # the postpaid products pay from today), credited to the account
    ("40.00", "40.00"),
    ("2.00", "2.00"),
    ("0.50", None),  # off (the first day not covered): suspended products cannot change plan
]


@pytest.mark.parametrize(("seeded", "credited"), TO_POSTPAID)
def test_to_postpaid_credits_the_balance_to_the_current_account(in_a1, seeded, credited):
    """Prepaid -> postpaid today: the balance leaves the wallet (a transfer entry) and is an
    ``adjustment`` credit on the current account, both with the same key."""
    shop = sell_prepaid(balance=seeded)
    postpaid = SalesPlanFactory(free_installation=True)
    for sub in shop.subs:
        PlanItemFactory(plan=postpaid, product=sub.product, price=D("50.00"))
    first = Subscription.objects.get(pk=shop.subs[0].pk)
    if credited is None:  # off: a suspended product cannot change plan
        with pytest.raises(ValidationError) as exc:
            plan_change(actor=ACTOR, subscription=first, new_plan=postpaid,
                        effective_on=company_today())  # fmt: skip
        assert "faça uma recarga primeiro" in str(exc.value.message_dict["subscription"])
        return
    change = plan_change(actor=ACTOR, subscription=first, new_plan=postpaid,
                         effective_on=company_today())  # fmt: skip
    wallet = Wallet.objects.get(customer=shop.customer)
    assert wallet.balance == 0
    account = Account.objects.get(customer=shop.customer)
    key = f"prepaid:transfer:{change.pk}"
    given_back = WalletEntry.objects.get(idempotency_key=f"prepaid:unday:{change.pk}")
    assert (given_back.kind, given_back.amount) == ("reversal", D("2.00"))
    transfer = WalletEntry.objects.get(idempotency_key=key)
    assert (transfer.kind, transfer.amount) == ("transfer", -D(credited))
    entry = Entry.objects.get(idempotency_key=key)
    assert (entry.account_id, entry.kind, entry.amount) == (account.pk, "adjustment",
                                                            -D(credited))  # fmt: skip
    assert not any(s.prepaid for s in change.subscriptions.all())
    assert statuses(shop.customer)[-3:] == [("active", "")] * 3


def test_to_postpaid_keeps_the_balance_for_other_prepaid_products(in_a1):
    """Another address still prepaid: the wallet keeps its balance (nothing moved)."""
    shop = sell_prepaid(balance="40.00")  # 38.00 after today
    sell_prepaid(shop.plan, customer=shop.customer)  # 36.00 after today
    postpaid = SalesPlanFactory(free_installation=True)
    for sub in shop.subs:
        PlanItemFactory(plan=postpaid, product=sub.product, price=D("50.00"))
    change = plan_change(actor=ACTOR, subscription=Subscription.objects.get(pk=shop.subs[0].pk),
                         new_plan=postpaid, effective_on=company_today())  # fmt: skip
    assert Wallet.objects.get(customer=shop.customer).balance == D("36.00")
    assert not Entry.objects.filter(idempotency_key=f"prepaid:transfer:{change.pk}").exists()


def test_the_run_after_a_move_to_prepaid_bills_nothing_again(
    in_a1, django_capture_on_commit_callbacks
):
    """The cycle's run after a move to prepaid on 10 June: the days on the final invoice are not
    billed again, the prepaid products never, so the customer gets no monthly invoice; the
    same run still bills another customer's postpaid product."""
    from tenant_apps.billing.services.runs import billing_run_start

    set_parameters(billing_day=1, billing_timing="arrears")
    TaxRate.objects.all().delete()
    customer, subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])
    plan_change(actor=ACTOR, subscription=subs[0], new_plan=prepaid_plan(),
                effective_on=CHANGE_ON, today=CHANGE_ON)  # fmt: skip
    final = Invoice.objects.get(customer=customer, kind="final")
    assert final.total == D("26.97")
    other, _subs = postpaid_customer([dt.date(2026, 1, 1), dt.date(2026, 1, 1)])

    with django_capture_on_commit_callbacks(execute=True):
        run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 6, 1))
    assert not Invoice.objects.filter(run=run, customer=customer).exists()
    invoice = Invoice.objects.get(run=run, customer=other)
    assert invoice.total == D("89.90")
