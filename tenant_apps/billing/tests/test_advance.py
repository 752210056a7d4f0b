"""Cycles billed in advance, adjusted when a product's dates change after the run (issue 4,
"Cycle"): a late activation is charged its days, a cancellation or plan change credited the
days billed and not used, promotions included; hand-computed, once only, billed on the next
invoice. November 2026 has 30 days; the run of November bills it when it starts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from tenant_apps.billing.choices import ChargeKind, ChargeSource
from tenant_apps.billing.cycles import cycle_containing
from tenant_apps.billing.models import BillingRun, Invoice, OneOffCharge
from tenant_apps.billing.services import advance_adjust, invoice_cancel
from tenant_apps.billing.services.runs import (
    billing_chunk_run,
    billing_run_finalize,
    billing_run_start,
)
from tenant_apps.factories import GroupFactory, PlanItemFactory, SalesPlanFactory
from tenant_apps.parameters.selectors import company_today
from tenant_apps.prepaid.tests.helpers import sell_prepaid
from tenant_apps.sales.models import Sale, Subscription
from tenant_apps.sales.services.selling import (
    plan_change,
    subscription_activate,
    subscription_cancel,
)

from .run_facts import ACTOR, params, product, subscribe

pytestmark = pytest.mark.django_db
D = dt.date
NOV = D(2026, 11, 1)
DEC = D(2026, 12, 1)


@pytest.fixture
def advance(in_a1):
    params(billing_timing="advance", billing_day=1)


@pytest.fixture
def run_cycle(django_capture_on_commit_callbacks):
    def _run(start: dt.date) -> BillingRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = billing_run_start(actor=ACTOR, cycle_start=start, issued_on=start)
        run.refresh_from_db()
        return run

    return _run


def _sold_on(sub: Subscription, day: dt.date) -> None:
    Sale.objects.filter(pk=sub.sale_id).update(
        at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    )


def _adjustments(sub: Subscription) -> list[Decimal]:
    return list(
        OneOffCharge.objects.filter(subscription=sub, source=ChargeSource.BILLING)
        .order_by("id")
        .values_list("amount", flat=True)
    )


def _billed(sub: Subscription, run: BillingRun) -> Decimal:
    invoice = Invoice.objects.filter(run=run, lines__subscription_id=sub.pk).distinct().get()
    return sum(line.amount for line in invoice.lines.filter(subscription_id=sub.pk))


# (case, price, promotion (kind, value) covering November or None, cancelled on, credit)
CANCELLATIONS = [
    ("cancelled on the 11th: 10 of 30 days used", "90.00", None, D(2026, 11, 11), "-60.00"),
    ("cancelled on the 1st: nothing used", "90.00", None, D(2026, 11, 1), "-90.00"),
    ("cancelled on the 30th: 29 days used", "90.00", None, D(2026, 11, 30), "-3.00"),
    (
        "50 % promotion, cancelled on the 16th: 15 days, net of the discount",
        "100.00",
        ("percent", "50.00"),
        D(2026, 11, 16),
        "-25.00",
    ),
    ("a third of 100.00: rounded per line", "100.00", None, D(2026, 11, 21), "-33.33"),
]


@pytest.mark.parametrize(("case", "price", "promo", "ends", "credit"), CANCELLATIONS)
def test_cancellation_after_the_run_credits_the_unused_days(
    advance, run_cycle, case, price, promo, ends, credit
):
    promotions = [(promo[0], promo[1], D(2026, 1, 1), None)] if promo else []
    sub = subscribe(price=price, activated_on=D(2026, 1, 1), promotions=promotions)
    run = run_cycle(NOV)
    full = _billed(sub, run)
    subscription_cancel(actor=ACTOR, subscription=sub, reason="moving", today=ends)
    assert _adjustments(sub) == [Decimal(credit)], case
    charge = OneOffCharge.objects.get(subscription=sub)
    assert charge.kind == ChargeKind.PRORATION and charge.invoice is None
    assert charge.customer_id == sub.customer_id and charge.system == "internet"
    assert charge.source_ref == "advance:2026-11-01"
    assert full + charge.amount >= 0  # never more than was billed
    # Adjusting again (any later change or a repeat) adds nothing.
    sub.refresh_from_db()
    assert advance_adjust(actor=ACTOR, subscriptions=[sub], since=ends) == []
    assert len(_adjustments(sub)) == 1


def test_late_activation_is_charged_its_days_and_billed_on_the_next_invoice(advance, run_cycle):
    early = subscribe(price="90.00", activated_on=D(2026, 1, 1))  # the run has a chunk to bill
    sub = subscribe(early.customer, price="90.00", status="pending")
    _sold_on(sub, D(2026, 11, 2))
    nov = run_cycle(NOV)
    assert not Invoice.objects.filter(run=nov, lines__subscription_id=sub.pk).exists()
    subscription_activate(actor=ACTOR, subscription=sub, on=D(2026, 11, 21), today=D(2026, 11, 21))
    assert _adjustments(sub) == [Decimal("30.00")]  # 10 of 30 days of 90.00
    dec = run_cycle(DEC)
    invoice = Invoice.objects.get(run=dec, customer=sub.customer)
    amounts = sorted(str(line.amount) for line in invoice.lines.all())
    assert amounts == ["30.00", "90.00", "90.00"]
    proration = invoice.lines.get(charge__isnull=False)
    assert proration.subscription_id == sub.pk and proration.kind == "charge"
    assert OneOffCharge.objects.get(subscription=sub).invoice == invoice


def test_activation_then_cancellation_in_the_same_cycle_add_up(advance, run_cycle):
    early = subscribe(price="90.00", activated_on=D(2026, 1, 1))
    sub = subscribe(early.customer, price="90.00", status="pending")
    _sold_on(sub, D(2026, 11, 2))
    run_cycle(NOV)
    subscription_activate(actor=ACTOR, subscription=sub, on=D(2026, 11, 11), today=D(2026, 11, 11))
    subscription_cancel(actor=ACTOR, subscription=sub, reason="price", today=D(2026, 11, 21))
    # 20 days charged, then 10 of them given back: 10 days (30.00) in all.
    assert _adjustments(sub) == [Decimal("60.00"), Decimal("-30.00")]


def test_plan_change_mid_cycle_credits_the_old_and_charges_the_new(advance, run_cycle):
    old = subscribe(price="90.00", activated_on=D(2026, 1, 1))
    run_cycle(NOV)
    new_plan = SalesPlanFactory()
    faster = product("150.00", name="Fibra 1G")
    PlanItemFactory(plan=new_plan, product=faster)
    plan_change(
        actor=ACTOR,
        subscription=old,
        new_plan=new_plan,
        effective_on=D(2026, 11, 21),
        today=D(2026, 11, 21),
    )
    new = Subscription.objects.get(replaced_by__isnull=True, plan=new_plan)
    assert _adjustments(old) == [Decimal("-30.00")]  # 10 days of 90.00 given back
    assert new.activated_on == D(2026, 11, 21)  # carried over active from the change
    assert _adjustments(new) == [Decimal("50.00")]  # its 10 days of 150.00


def test_group_billed_product_is_adjusted_on_the_group(advance, run_cycle):
    group = GroupFactory()
    sub = subscribe(price="60.00", activated_on=D(2026, 1, 1), group=group)
    run_cycle(NOV)
    subscription_cancel(actor=ACTOR, subscription=sub, reason="moving", today=D(2026, 11, 16))
    charge = OneOffCharge.objects.get(subscription=sub)
    assert (charge.group_id, charge.customer_id, charge.amount) == (
        group.pk,
        None,
        Decimal("-30.00"),
    )


def test_nothing_is_adjusted_in_arrears_nor_before_the_chunk_bills(in_a1, run_cycle):
    params(billing_timing="arrears", billing_day=1)
    arrears = subscribe(price="90.00", activated_on=D(2026, 1, 1))
    run_cycle(NOV)
    subscription_cancel(actor=ACTOR, subscription=arrears, reason="moving", today=D(2026, 12, 2))
    assert _adjustments(arrears) == []

    params(billing_timing="advance")
    pending_chunk = subscribe(price="90.00", activated_on=D(2026, 1, 1))
    run = billing_run_start(actor=ACTOR, cycle_start=DEC, issued_on=DEC)  # tasks not run
    subscription_cancel(
        actor=ACTOR, subscription=pending_chunk, reason="moving", today=D(2026, 12, 11)
    )
    assert _adjustments(pending_chunk) == []  # the chunk bills the new dates itself
    billing_chunk_run(run_id=run.pk, index=0)
    # December has 31 days: 10 of them at 90.00 is 29.032... -> 29.03.
    assert _billed(pending_chunk, run) == Decimal("29.03")
    pending_chunk.refresh_from_db()
    assert advance_adjust(actor=ACTOR, subscriptions=[pending_chunk], since=D(2026, 12, 11)) == []


def test_a_cancelled_cycle_invoice_is_not_adjusted(advance, run_cycle):
    sub = subscribe(price="90.00", activated_on=D(2026, 1, 1))
    run = run_cycle(NOV)
    invoice = Invoice.objects.get(run=run, customer=sub.customer)
    invoice_cancel(actor=ACTOR, invoice=invoice, reason="Erro de cadastro")
    subscription_cancel(actor=ACTOR, subscription=sub, reason="moving", today=D(2026, 11, 11))
    assert _adjustments(sub) == []


def test_move_to_postpaid_inside_a_cycle_billed_in_advance_charges_the_new_days(advance):
    """Prepaid -> postpaid today, the cycle already billed in advance (the customer was prepaid
    then: the run had no chunk billing it): each new postpaid product is charged its days from
    today to the cycle's end. The cycle is the one containing the company's today."""
    today = company_today()
    cycle = cycle_containing(today, 1)
    shop = sell_prepaid(balance="40.00")
    with override_settings(BILLING_RENDER_PDFS_AFTER_RUN=False):
        run = billing_run_start(actor=ACTOR, cycle_start=cycle.start, issued_on=cycle.start)
    assert run.chunks_total == 0  # nobody postpaid to bill: no chunk
    billing_run_finalize(run_id=run.pk)
    postpaid = SalesPlanFactory(free_installation=True)
    for sub in shop.subs:
        PlanItemFactory(plan=postpaid, product=sub.product, price=Decimal("50.00"))
    first = Subscription.objects.get(pk=shop.subs[0].pk)
    change = plan_change(actor=ACTOR, subscription=first, new_plan=postpaid, effective_on=today)
    new = list(change.subscriptions.order_by("id"))
    days = (cycle.end - today).days
    expected = (Decimal("50.00") * days / cycle.days).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert [_adjustments(sub) for sub in new] == [[expected]] * len(new)
    assert all(not s.prepaid and s.activated_on == today for s in new)


def test_a_cancelled_adjustment_is_made_again_under_a_new_key(advance, run_cycle):
    from tenant_apps.billing.services import charge_cancel

    sub = subscribe(price="90.00", activated_on=D(2026, 1, 1))
    run_cycle(NOV)
    subscription_cancel(actor=ACTOR, subscription=sub, reason="moving", today=D(2026, 11, 11))
    charge_cancel(actor=ACTOR, charge=OneOffCharge.objects.get(subscription=sub))
    sub.refresh_from_db()
    again = advance_adjust(actor=ACTOR, subscriptions=[sub], since=D(2026, 11, 11))
    assert [c.amount for c in again] == [Decimal("-60.00")]
    assert again[0].cancelled is False
    assert OneOffCharge.objects.filter(subscription=sub).count() == 2
