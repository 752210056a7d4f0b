"""Dunning through the services: suspension after exactly the grace days, one provisioning
command per service, resume on payment, prepaid-suspended and cancelled services untouched,
the daily run twice, and the debt feeding the sale conditions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.collections.models import DunningEvent
from tenant_apps.collections.services import dunning_refresh, dunning_run, payment_reverse
from tenant_apps.customers.tests.factories import subscribe
from tenant_apps.factories import AddressFactory, CustomerFactory
from tenant_apps.provisioning.models import Command

from .helpers import ACTOR, grace, invoice, pay

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 10, 10)


def customer_with_services(*statuses, prepaid_suspended=False):
    customer = CustomerFactory()
    address = AddressFactory(customer=customer)
    subs = [subscribe(customer, address, status=s) for s in statuses]
    if prepaid_suspended:
        sub = subscribe(customer, address, status="suspended")
        sub.suspension = "prepaid"
        sub.save(update_fields=["suspension"])
        subs.append(sub)
    return customer, subs


def statuses(subs):
    for sub in subs:
        sub.refresh_from_db()
    return [(s.status, s.suspension) for s in subs]


@pytest.mark.parametrize(
    "grace_days, today, suspended",
    [
        (10, DUE, False),  # due today: not overdue
        (10, DUE + dt.timedelta(days=1), False),  # 1 day overdue
        (10, DUE + dt.timedelta(days=10), False),  # exactly the grace days: still within
        (10, DUE + dt.timedelta(days=11), True),  # grace + 1: suspended
        (0, DUE, False),
        (0, DUE + dt.timedelta(days=1), True),  # no grace: as soon as overdue
    ],
)
def test_suspension_after_the_grace_days_exactly(in_a1, grace_days, today, suspended):
    grace(grace_days)
    customer, subs = customer_with_services("active", "active")
    invoice(customer, "100.00", DUE)
    event = dunning_refresh(actor=ACTOR, customer=customer, today=today)
    expected = ("suspended", "debt") if suspended else ("active", "")
    assert statuses(subs) == [expected, expected]
    assert (event is not None) == suspended
    assert Command.objects.filter(subscription__in=subs, action="suspend").count() == (
        2 if suspended else 0
    )


def test_suspend_then_resume_on_payment_with_reasons_and_one_command_per_service(in_a1):
    """Two overdue invoices past 10 grace days: each active postpaid service gets one suspend
    command; the prepaid-suspended and the cancelled one are untouched; the event names the
    invoices; a payment clearing the overdue debt resumes them (one resume command each)."""
    grace(10)
    customer, subs = customer_with_services("active", "active", "cancelled", prepaid_suspended=True)
    first = invoice(customer, "100.00", DUE)
    second = invoice(customer, "30.00", dt.date(2026, 10, 20))
    today = dt.date(2026, 11, 14)  # 35 days after the oldest due date
    event = dunning_refresh(actor=ACTOR, customer=customer, today=today)
    assert event.kind == "suspend"
    assert event.invoices == [first.number, second.number]
    assert (event.overdue, event.oldest_due_on, event.days_overdue) == (
        Decimal("130.00"),
        DUE,
        35,
    )
    assert event.reason == (
        f"Faturas {first.number}, {second.number} vencidas desde 2026-10-10 "
        "(35 dias; carência de 10 dias)"
    )
    assert statuses(subs) == [
        ("suspended", "debt"),
        ("suspended", "debt"),
        ("cancelled", ""),
        ("suspended", "prepaid"),
    ]
    commands = Command.objects.filter(subscription__customer=customer)
    assert sorted(commands.values_list("subscription_id", "action", "reason")) == [
        (subs[0].pk, "suspend", "debt"),
        (subs[1].pk, "suspend", "debt"),
    ]
    customer.refresh_from_db()
    assert customer.status == "suspended"
    # again the same day: nothing new
    assert dunning_refresh(actor=ACTOR, customer=customer, today=today) is None
    assert commands.count() == 2

    # paying only part of it keeps them suspended
    pay(customer, "100.00", f"part-{customer.pk}", on=today)
    assert statuses(subs)[:2] == [("suspended", "debt"), ("suspended", "debt")]
    # clearing the overdue debt resumes them at once
    payment = pay(customer, "30.00", f"rest-{customer.pk}", on=today)
    assert statuses(subs) == [
        ("active", ""),
        ("active", ""),
        ("cancelled", ""),
        ("suspended", "prepaid"),
    ]
    resume = DunningEvent.objects.filter(customer=customer, kind="resume").get()
    assert resume.payment_id == payment.pk
    assert sorted(commands.filter(action="resume").values_list("subscription_id", flat=True)) == [
        subs[0].pk,
        subs[1].pk,
    ]
    customer.refresh_from_db()
    assert customer.status == "active"


def test_reversing_the_clearing_payment_suspends_again(in_a1):
    grace(5)
    customer, subs = customer_with_services("active")
    invoice(customer, "50.00", DUE)
    today = DUE + dt.timedelta(days=20)
    dunning_refresh(actor=ACTOR, customer=customer, today=today)
    payment = pay(customer, "50.00", f"rev-{customer.pk}", on=today)
    assert statuses(subs) == [("active", "")]
    payment_reverse(actor=ACTOR, payment=payment, reason="estorno")
    assert statuses(subs) == [("suspended", "debt")]
    assert Command.objects.filter(subscription=subs[0]).count() == 3


def test_daily_run_twice_suspends_once_and_resumes_the_cleared(in_a1):
    grace(10)
    late, late_subs = customer_with_services("active")
    invoice(late, "80.00", DUE)
    recent, recent_subs = customer_with_services("active")
    invoice(recent, "80.00", dt.date(2026, 11, 30))
    today = dt.date(2026, 12, 3)
    first = dunning_run(actor=ACTOR, today=today)
    second = dunning_run(actor=ACTOR, today=today)
    assert first["suspended"] >= 1 and second["suspended"] == 0
    assert statuses(late_subs) == [("suspended", "debt")]
    assert statuses(recent_subs) == [("active", "")]
    assert Command.objects.filter(subscription__customer=late).count() == 1
    # the debt disappears without a payment of this customer (e.g. credit applied elsewhere):
    # the run resumes them
    from tenant_apps.billing.models import Invoice

    Invoice.objects.filter(customer=late).update(open_amount=0, status="paid")
    assert dunning_run(actor=ACTOR, today=today)["resumed"] >= 1
    assert statuses(late_subs) == [("active", "")]


def test_the_task_runs_the_job(in_a1):
    from tenant_apps.collections.tasks import dunning_daily

    grace(10)
    customer, subs = customer_with_services("active")
    invoice(customer, "10.00", dt.date(2020, 1, 1))
    result = dunning_daily.apply().get()
    assert result["suspended"] >= 1
    assert statuses(subs) == [("suspended", "debt")]


def test_debt_refuses_a_sale_and_a_payment_lets_it_through(in_a1):
    """The sale conditions read the debt of open invoices past due: a plan allowing 50.00 of
    debt refuses a customer owing an invoice of 80.00 due 20 days ago, and sells once it is
    paid; an invoice not yet due never counts."""
    from tenant_apps.parameters.selectors import company_today
    from tenant_apps.sales import conditions as c
    from tenant_apps.sales.services.selling import sale_check, sale_create
    from tenant_apps.sales.tests.test_selling_services import make_shop

    shop = make_shop(max_debt=Decimal("50.00"))
    today = company_today()
    invoice(shop.customer, "500.00", today + dt.timedelta(days=5))  # not yet due
    late = invoice(shop.customer, "80.00", today - dt.timedelta(days=20))
    failures = sale_check(customer=shop.customer, address=shop.address, plan=shop.plan)
    assert [f.code for f in failures] == [c.DEBT_ABOVE_MAXIMUM]
    assert "80.00" in failures[0].message
    pay(shop.customer, "80.00", f"sale-{shop.customer.pk}", on=today, invoice=late)
    assert sale_check(customer=shop.customer, address=shop.address, plan=shop.plan) == []
    sale = sale_create(actor=ACTOR, customer=shop.customer, address=shop.address, plan=shop.plan)
    assert sale.pk
