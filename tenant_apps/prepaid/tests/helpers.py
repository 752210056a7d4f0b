"""Test helpers: a prepaid plan sold and activated at an address, a seeded balance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

from shared_apps.audit.actor import Actor
from tenant_apps.catalog.choices import ProductRole, System, Technology
from tenant_apps.factories import (
    AddressFactory,
    CustomerFactory,
    PlanItemFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
)
from tenant_apps.parameters.models import CompanyParameters
from tenant_apps.parameters.selectors import company_today
from tenant_apps.prepaid import services
from tenant_apps.prepaid.choices import WalletEntryKind
from tenant_apps.sales.choices import PlanKind
from tenant_apps.sales.models import Subscription
from tenant_apps.sales.services.selling import sale_create, subscription_activate

ACTOR = Actor(label="a1_atendente", user_id=None, branch_id=None)
SYSTEMS = [
    (System.INTERNET, Technology.FTTH),
    (System.TV, Technology.HFC),
    (System.TELEPHONY, Technology.FTTH),
]


@dataclass
class Prepaid:
    customer: object
    address: object
    plan: object
    sale: object
    subs: list


def prepaid_plan(costs=("1.0000", "0.6667", "0.3333"), min_recharge="30.00", **kw):
    """A prepaid plan with one main product per daily cost (internet, TV, telephony)."""
    plan = SalesPlanFactory(
        kind=PlanKind.PREPAID,
        free_installation=True,
        min_recharge=None if min_recharge is None else D(min_recharge),
        **kw,
    )
    for cost, (system, tech) in zip(costs, SYSTEMS, strict=False):
        product = ProductFactory(
            system=system,
            role=ProductRole.MAIN,
            technology=tech,
            monthly_price=D("60.00"),
            daily_cost=D(cost),
        )
        PlanItemFactory(plan=plan, product=product, price=None)
    return plan


def sell_prepaid(plan=None, *, customer=None, balance=None, activate=True, on=None) -> Prepaid:
    """Sell ``plan`` (default: daily value 2.00, minimum 30.00) to a new customer; seed the
    wallet with ``balance`` first; activate on ``on`` (default today)."""
    plan = plan or prepaid_plan()
    zone = ZoneFactory(technologies=[Technology.FTTH, Technology.HFC])
    customer = customer or CustomerFactory()
    address = AddressFactory(customer=customer, zone=zone)
    sale = sale_create(actor=ACTOR, customer=customer, address=address, plan=plan)
    if balance is not None:
        seed(customer, balance)
    subs = list(sale.subscriptions.order_by("id"))
    if activate:
        for sub in subs:
            subscription_activate(actor=ACTOR, subscription=sub, on=on or company_today())
    return Prepaid(customer, address, plan, sale, list(sale.subscriptions.order_by("id")))


_seeds = iter(range(1, 10**9))


def seed(customer, amount) -> None:
    """Put ``amount`` on the customer's wallet (test set-up: an entry posted like a recharge's,
    without its invoice)."""
    wallet = services._lock(customer)
    services._post(
        actor=ACTOR,
        wallet=wallet,
        kind=WalletEntryKind.RECHARGE,
        amount=D(amount),
        key=f"test-seed:{next(_seeds)}",
        description="seed",
    )


def set_parameters(**values) -> None:
    row = CompanyParameters.objects.first() or CompanyParameters()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def statuses(customer) -> list[tuple[str, str]]:
    return list(
        Subscription.objects.filter(customer=customer)
        .order_by("id")
        .values_list("status", "suspension")
    )


def days(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]
