"""Facts for the billing run's tests: subscriptions written directly (the dates and statuses a
test needs, as the sales services leave them), promotions, tax rates, charges."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from shared_apps.audit.actor import Actor
from tenant_apps.billing.models import TaxRate
from tenant_apps.factories import (
    AddressFactory,
    CustomerFactory,
    PlanItemFactory,
    ProductFactory,
    SalesPlanFactory,
)
from tenant_apps.parameters.models import CompanyParameters
from tenant_apps.sales.models import Sale, Subscription, SubscriptionPromotion

ACTOR = Actor.system("tests")
_numbers = itertools.count(1)


def params(**values) -> None:
    """Set company parameters (billing day, timing, days to due...)."""
    row = CompanyParameters.objects.first()
    for key, value in values.items():
        setattr(row, key, value)
    row.save()


def rate(system: str, name: str, value: str, mode: str) -> TaxRate:
    return TaxRate.objects.create(system=system, name=name, rate=Decimal(value), mode=mode)


def product(price: str = "100.00", system: str = "internet", name: str | None = None):
    kwargs = {"monthly_price": Decimal(price), "system": system}
    if name:
        kwargs["name"] = name
    return ProductFactory(**kwargs)


def plan():
    return SalesPlanFactory()


def subscribe(
    customer=None,
    *,
    prod=None,
    sales_plan=None,
    price: str | None = None,
    activated_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    status: str = "active",
    prepaid: bool = False,
    group=None,
    promotions: list[tuple[str, str, dt.date, dt.date | None]] = (),
) -> Subscription:
    """A subscription of ``customer`` (a new one when None). ``promotions``: (kind, value,
    starts_on, ends_on) sold with it."""
    customer = customer or CustomerFactory()
    prod = prod or product(price or "100.00")
    sales_plan = sales_plan or plan()
    item = PlanItemFactory(plan=sales_plan, product=prod)
    address = customer.addresses.first() or AddressFactory(customer=customer)
    sale = Sale.objects.create(
        number=f"RUN-{next(_numbers):06d}-{customer.pk}",
        kind="new",
        customer=customer,
        address=address,
        plan=sales_plan,
        seller_label="tests",
    )
    sub = Subscription.objects.create(
        customer=customer,
        address=address,
        sale=sale,
        plan=sales_plan,
        plan_item=item,
        product=prod,
        status=status,
        prepaid=prepaid,
        price=Decimal(price) if price is not None else prod.monthly_price,
        daily_cost=Decimal("1.0000"),
        billed_to_group=group,
        activated_on=activated_on,
        ends_on=ends_on,
    )
    for i, (kind, value, starts_on, promo_ends) in enumerate(promotions):
        SubscriptionPromotion.objects.create(
            subscription=sub,
            name=f"Promo {i + 1}",
            discount_kind=kind,
            value=Decimal(value),
            months=1,
            starts_on=starts_on,
            ends_on=promo_ends,
        )
    return sub
