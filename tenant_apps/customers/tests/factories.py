"""Test data for the customers app: a customer with addresses, subscriptions, promotions,
contacts, contact records and ledger entries (subscriptions written directly: the sale
services belong to the sales app)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared_apps.audit.actor import Actor
from tenant_apps.catalog.choices import System, Technology
from tenant_apps.factories import (
    PlanItemFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
)
from tenant_apps.sales.models import (
    Sale,
    ServiceRequest,
    Subscription,
    SubscriptionPromotion,
)

from ..services import (
    address_add,
    contact_add,
    contact_record_create,
    customer_create,
    customer_status_refresh,
)

ACTOR = Actor(label="tester", user_id=None, branch_label="test branch")


def subscribe(customer, address, *, system=System.INTERNET, status="active", plan=None, group=None):
    """One subscription (and its sale) of a new product at the address."""
    product = ProductFactory(system=system, technology=Technology.FTTH)
    item = PlanItemFactory(product=product, plan=plan or SalesPlanFactory())
    sale = Sale.objects.create(
        number=f"CT-{Sale.objects.count() + 1:06d}-{customer.pk}-{address.pk}-{product.pk}",
        kind="new",
        customer=customer,
        address=address,
        plan=item.plan,
        seller_label="tester",
    )
    sub = Subscription.objects.create(
        customer=customer,
        address=address,
        sale=sale,
        plan=item.plan,
        plan_item=item,
        product=product,
        status=status,
        price=Decimal("99.90"),
        daily_cost=Decimal("3.3300"),
        billed_to_group=group,
        activated_on=dt.date(2026, 1, 10) if status == "active" else None,
    )
    customer_status_refresh(customer_id=customer.pk)
    return sub


def promote(sub, *, name="Welcome", value=Decimal("50.00")):
    return SubscriptionPromotion.objects.create(
        subscription=sub,
        name=name,
        discount_kind="percent",
        value=value,
        months=3,
        starts_on=dt.date(2026, 1, 10),
        ends_on=dt.date(2026, 4, 10),
    )


def rich_customer(*, tax_id="52998224725", name="Maria da Silva"):
    """2 addresses, 5 subscriptions (2 with promotions), 3 contacts, 12 contact records, an
    open service request and ledger entries with an overdue debit."""
    zone = ZoneFactory(name="Centro")
    customer = customer_create(
        actor=ACTOR,
        kind="person",
        name=name,
        tax_id=tax_id,
        customer_type="residential",
        contacts=[
            {"kind": "mobile", "value": "(51) 99876-5432", "is_primary": True},
            {"kind": "email", "value": "maria@example.com"},
        ],
        address={"zone": zone, "street": "Rua das Acácias", "number": "12"},
    )
    contact_add(actor=ACTOR, customer=customer, kind="phone", value="51 3333-4444")
    first = customer.addresses.get()
    second = address_add(
        actor=ACTOR, customer=customer, zone=zone, street="Av. Brasil", number="900"
    )
    subs = [
        subscribe(customer, first, system=System.INTERNET),
        subscribe(customer, first, system=System.TV),
        subscribe(customer, first, system=System.TELEPHONY, status="pending"),
        subscribe(customer, second, system=System.INTERNET),
        subscribe(customer, second, system=System.VOD, status="suspended"),
    ]
    promote(subs[0])
    promote(subs[0], name="Loyalty", value=Decimal("10.00"))
    promote(subs[3])
    ServiceRequest.objects.create(
        kind="installation",
        customer=customer,
        address=first,
        sale=subs[2].sale,
        created_by="tester",
    ).subscriptions.add(subs[2])
    ServiceRequest.objects.create(
        kind="disconnection", status="done", customer=customer, address=second, created_by="t"
    )
    for n in range(12):
        contact_record_create(
            actor=ACTOR, customer=customer, channel="phone", reason=f"Question {n}"
        )
    # An invoice of 150.00 due on 5 January, 50.00 of it paid (issue 4's services).
    from tenant_apps.billing.services.issue import LineSpec, invoice_issue
    from tenant_apps.collections.services import payment_receive

    invoice_issue(
        actor=ACTOR,
        kind="one_off",
        lines=[LineSpec(kind="charge", description="Invoice 1", amount=Decimal("150.00"))],
        idempotency_key=f"test-inv-1-{customer.pk}",
        customer=customer,
        issued_on=dt.date(2025, 12, 26),
        due_on=dt.date(2026, 1, 5),
    )
    payment_receive(
        actor=ACTOR,
        amount=Decimal("50.00"),
        origin="cash_desk",
        received_on=dt.date(2026, 1, 2),
        idempotency_key=f"test-pay-1-{customer.pk}",
        customer=customer,
    )
    customer.refresh_from_db()
    return customer
