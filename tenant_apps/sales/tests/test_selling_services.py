"""The sale and what is done to what was sold, through the services (inside company A1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from tenant_apps.catalog.choices import ProductRole, System, Technology
from tenant_apps.customers.models import Customer
from tenant_apps.factories import (
    AddressFactory,
    CustomerFactory,
    GroupFactory,
    GroupPlanFactory,
    PlanItemFactory,
    PlanPromotionFactory,
    ProductDeviceFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
)
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.models import Account
from tenant_apps.ledger.services import entry_post
from tenant_apps.parameters.models import DocumentSeries
from tenant_apps.parameters.selectors import company_today
from tenant_apps.sales import conditions as c
from tenant_apps.sales.choices import PlanKind, RequestKind, RequestStatus, SaleKind
from tenant_apps.sales.models import Sale, ServiceRequest, Subscription
from tenant_apps.sales.services.selling import (
    SaleRefused,
    additional_add,
    additional_remove,
    customer_cancel,
    plan_change,
    sale_check,
    sale_create,
    subscription_activate,
    subscription_activate_manually,
    subscription_cancel,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor(label="a1_vendedor", user_id=None, branch_id=None)


@dataclass
class Shop:
    zone: object
    customer: object
    address: object
    internet: object
    tv: object
    extra: object
    plan: object
    internet_item: object
    tv_item: object
    extra_item: object
    promo: object


def make_shop(**plan_kw) -> Shop:
    """A zone covering FTTH and HFC, a residential customer there, and a plan with Internet
    (plan price 89.90, 50% for 3 months), TV (catalog price) and an optional TV extra."""
    zone = ZoneFactory(technologies=[Technology.FTTH, Technology.HFC])
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, zone=zone)
    internet = ProductFactory(
        system=System.INTERNET,
        role=ProductRole.MAIN,
        technology=Technology.FTTH,
        monthly_price=Decimal("99.90"),
        daily_cost=Decimal("3.3300"),
    )
    tv = ProductFactory(
        system=System.TV,
        role=ProductRole.MAIN,
        technology=Technology.HFC,
        monthly_price=Decimal("79.90"),
        daily_cost=Decimal("2.6600"),
    )
    extra = ProductFactory(
        system=System.TV,
        role=ProductRole.ADDITIONAL,
        technology=Technology.HFC,
        monthly_price=Decimal("29.90"),
        daily_cost=Decimal("1.0000"),
    )
    plan_kw.setdefault("installation_fee", Decimal("150.00"))
    plan = SalesPlanFactory(**plan_kw)
    internet_item = PlanItemFactory(plan=plan, product=internet, price=Decimal("89.90"))
    tv_item = PlanItemFactory(plan=plan, product=tv, price=None)
    extra_item = PlanItemFactory(plan=plan, product=extra, included=False)
    promo = PlanPromotionFactory(item=internet_item, value=Decimal("50.00"), months=3)
    return Shop(
        zone,
        customer,
        address,
        internet,
        tv,
        extra,
        plan,
        internet_item,
        tv_item,
        extra_item,
        promo,
    )


def sell(shop: Shop, **kw) -> Sale:
    return sale_create(
        actor=ACTOR, customer=shop.customer, address=shop.address, plan=shop.plan, **kw
    )


def post_debt(customer, amount: str, days_ago: int, key: str) -> None:
    """A migrated opening balance of ``amount`` due ``days_ago`` days ago, unpaid (debt counts
    open invoices and what remains of opening balances)."""
    entry_post(
        actor=ACTOR,
        account=Account.objects.get(customer=customer),
        kind=EntryKind.OPENING,
        amount=Decimal(amount),
        description="Fatura antiga",
        idempotency_key=key,
        due_on=company_today() - dt.timedelta(days=days_ago),
    )


def codes(exc: SaleRefused) -> list[str]:
    return [f.code for f in exc.failures]


def test_sale_creates_pending_subscriptions_with_prices_promotions_and_installation(in_a1):
    """A sale: contract number from the series, one pending subscription per included item
    plus the chosen optional one, plan or catalog price, daily cost, additional linked to its
    main, promotions copied undated, an installation request, the fee, audit, status."""
    shop = make_shop()
    next_before = DocumentSeries.objects.get(kind="contract").next_document
    sale = sell(shop, optional_items=[shop.extra_item.pk])
    assert sale.number == next_before
    assert sale.kind == SaleKind.NEW
    assert sale.installation_fee == Decimal("150.00")
    subs = {s.product_id: s for s in sale.subscriptions.all()}
    assert set(subs) == {shop.internet.pk, shop.tv.pk, shop.extra.pk}
    assert {s.status for s in subs.values()} == {"pending"}
    assert subs[shop.internet.pk].price == Decimal("89.90")  # plan price
    assert subs[shop.tv.pk].price == Decimal("79.90")  # catalog price
    assert subs[shop.internet.pk].daily_cost == Decimal("3.3300")
    assert not any(s.prepaid for s in subs.values())
    assert subs[shop.extra.pk].main_id == subs[shop.tv.pk].pk
    assert subs[shop.tv.pk].main_id is None
    promo = subs[shop.internet.pk].promotions.get()
    assert (promo.name, promo.value, promo.months) == (shop.promo.name, Decimal("50.00"), 3)
    assert promo.starts_on is None and promo.source_id == shop.promo.pk
    request = ServiceRequest.objects.get(sale=sale)
    assert request.kind == RequestKind.INSTALLATION and request.status == RequestStatus.OPEN
    assert set(request.subscriptions.values_list("pk", flat=True)) == {s.pk for s in subs.values()}
    assert AuditEvent.objects.filter(action="sales.sell", object_id=str(sale.pk)).exists()
    shop.customer.refresh_from_db()
    assert shop.customer.status == "pending"


def test_optional_items_are_not_sold_unless_chosen_and_must_be_of_the_plan(in_a1):
    """Without choosing it, the optional product is not sold; an item of another plan or an
    included one is refused naming ``optional_items``."""
    shop = make_shop()
    other = make_shop()
    with pytest.raises(ValidationError) as exc:
        sell(shop, optional_items=[other.extra_item.pk])
    assert "optional_items" in exc.value.message_dict
    assert not Sale.objects.filter(customer=shop.customer).exists()
    sale = sell(shop)
    assert shop.extra.pk not in set(sale.subscriptions.values_list("product_id", flat=True))


def test_prepaid_plan_and_free_installation(in_a1):
    """A prepaid plan's subscriptions are prepaid (S4); free installation makes the fee 0."""
    shop = make_shop(kind=PlanKind.PREPAID, free_installation=True)
    sale = sell(shop)
    assert sale.installation_fee == Decimal("0.00")
    assert all(s.prepaid for s in sale.subscriptions.all())


def test_refused_outside_coverage_and_nothing_is_written(in_a1):
    """A sale outside the plan's zones, and at a zone without the product's technology, is
    refused listing both; no sale, subscription or contract number is used."""
    shop = make_shop()
    shop.plan.zones.add(ZoneFactory())  # another zone only
    shop.zone.technologies = [Technology.HFC]
    shop.zone.save()
    before = DocumentSeries.objects.get(kind="contract").next_number
    with pytest.raises(SaleRefused) as exc:
        sell(shop)
    assert codes(exc.value) == [c.LOCATION_NOT_COVERED, c.TECHNOLOGY_NOT_COVERED]
    assert exc.value.code == "sale_refused"
    assert "address" in exc.value.message_dict
    assert not Subscription.objects.filter(customer=shop.customer).exists()
    assert DocumentSeries.objects.get(kind="contract").next_number == before


def test_refused_past_validity(in_a1):
    """A plan whose last day of sale was yesterday is refused; on its last day it is sold."""
    today = company_today()
    shop = make_shop(valid_until=today - dt.timedelta(days=1))
    with pytest.raises(SaleRefused) as exc:
        sell(shop)
    assert codes(exc.value) == [c.PLAN_EXPIRED]
    shop.plan.valid_until = today
    shop.plan.save()
    assert sell(shop).pk


def test_refused_over_debt_limit_and_overdue_days(in_a1):
    """Overdue debt above the plan's maximum, and older than its maximum days, refuses the
    sale naming both amounts; debt not yet due does not count."""
    shop = make_shop(max_debt=Decimal("100.00"), max_overdue_days=30)
    post_debt(shop.customer, "80.00", 45, "old-1")
    post_debt(shop.customer, "70.00", 5, "old-2")
    entry_post(
        actor=ACTOR,
        account=Account.objects.get(customer=shop.customer),
        kind=EntryKind.INVOICE,
        amount=Decimal("500.00"),
        description="Não vencida",
        idempotency_key="future",
        due_on=company_today() + dt.timedelta(days=5),
    )
    with pytest.raises(SaleRefused) as exc:
        sell(shop)
    assert codes(exc.value) == [c.DEBT_ABOVE_MAXIMUM, c.OVERDUE_TOO_OLD]
    message = exc.value.failures[0].message
    assert "150.00" in message and "100.00" in message
    assert sale_check(customer=shop.customer, address=shop.address, plan=shop.plan) != []


def test_refused_business_only_plan_for_residential_customer(in_a1):
    """A plan for business customers only is refused to a residential customer."""
    shop = make_shop(customer_types=["business"])
    with pytest.raises(SaleRefused) as exc:
        sell(shop)
    assert codes(exc.value) == [c.CUSTOMER_TYPE_NOT_ALLOWED]
    assert "customer" in exc.value.message_dict


def test_refused_additional_without_its_main(in_a1):
    """An additional TV product is refused at an address with no TV main product, both as an
    additional sale and as a plan holding only the additional; allowed once the main exists."""
    shop = make_shop()
    with pytest.raises(SaleRefused) as exc:
        additional_add(actor=ACTOR, address=shop.address, item=shop.extra_item)
    assert codes(exc.value) == [c.MAIN_PRODUCT_MISSING]
    lonely = SalesPlanFactory()
    PlanItemFactory(plan=lonely, product=shop.extra)
    with pytest.raises(SaleRefused) as exc:
        sale_create(actor=ACTOR, customer=shop.customer, address=shop.address, plan=lonely)
    assert codes(exc.value) == [c.MAIN_PRODUCT_MISSING]
    sale = sell(shop)
    tv = sale.subscriptions.get(product=shop.tv)
    extra_sale = additional_add(actor=ACTOR, address=shop.address, item=shop.extra_item)
    extra = extra_sale.subscriptions.get()
    assert extra_sale.kind == SaleKind.ADDITIONAL
    assert extra.main_id == tv.pk and extra.status == "pending"
    assert ServiceRequest.objects.filter(sale=extra_sale, kind="installation").exists()
    with pytest.raises(SaleRefused) as exc:  # the same product again
        additional_add(actor=ACTOR, address=shop.address, item=shop.extra_item)
    assert codes(exc.value) == [c.PRODUCT_ALREADY_AT_ADDRESS]


def test_additional_add_refuses_a_main_product(in_a1):
    """additional_add sells additional products only (field ``item``)."""
    shop = make_shop()
    with pytest.raises(ValidationError) as exc:
        additional_add(actor=ACTOR, address=shop.address, item=shop.internet_item)
    assert "item" in exc.value.message_dict


def test_address_of_another_customer_is_refused(in_a1):
    """The address must be the customer's (field ``address``)."""
    shop = make_shop()
    stranger = CustomerFactory()
    with pytest.raises(ValidationError) as exc:
        sale_create(actor=ACTOR, customer=stranger, address=shop.address, plan=shop.plan)
    assert "address" in exc.value.message_dict


def test_promotions_are_copied_and_later_plan_edits_do_not_change_them(in_a1):
    """Editing or deleting the plan's promotion after the sale leaves the sold one as it
    was; activation dates it from the activation for its months."""
    shop = make_shop()
    sale = sell(shop)
    internet = sale.subscriptions.get(product=shop.internet)
    shop.promo.value = Decimal("10.00")
    shop.promo.months = 12
    shop.promo.name = "Outro"
    shop.promo.save()
    sold = internet.promotions.get()
    assert (sold.name, sold.value, sold.months) == ("Desconto de boas-vindas", Decimal("50.00"), 3)
    today = company_today()
    subscription_activate(actor=ACTOR, subscription=internet, on=today)
    sold.refresh_from_db()
    assert sold.starts_on == today
    assert sold.ends_on == today + relativedelta(months=3)
    shop.promo.delete()
    sold.refresh_from_db()
    assert sold.value == Decimal("50.00") and sold.source_id is None


def test_group_pays_the_group_items(in_a1):
    """At an address of a group with a group plan for this plan, the products the group pays
    are billed to the group; the others to the member."""
    shop = make_shop()
    group = GroupFactory()
    shop.address.group = group
    shop.address.save()
    group_plan = GroupPlanFactory(group=group, plan=shop.plan)
    group_plan.group_items.set([shop.tv_item])
    sale = sell(shop)
    assert sale.subscriptions.get(product=shop.tv).billed_to_group_id == group.pk
    assert sale.subscriptions.get(product=shop.internet).billed_to_group_id is None
    other_group_plan = make_shop()
    GroupPlanFactory(group=group, plan=other_group_plan.plan)  # another plan: no effect
    assert Subscription.objects.filter(billed_to_group=group).count() == 1


def test_idempotency_key_returns_the_same_sale(in_a1):
    """The same key twice returns the first sale (one set of subscriptions); the key reused
    for another sale is refused."""
    shop = make_shop()
    first = sell(shop, idempotency_key="k-1")
    again = sell(shop, idempotency_key="k-1")
    assert again.pk == first.pk
    assert Subscription.objects.filter(customer=shop.customer).count() == 2
    other = make_shop()
    with pytest.raises(ValidationError) as exc:
        sell(other, idempotency_key="k-1")
    assert "idempotency_key" in exc.value.message_dict


def test_activate_rules(in_a1):
    """Only a pending product is activated, not on a future date nor before the sale; the
    installation request is done once nothing in it is pending; the customer turns active."""
    shop = make_shop()
    sale = sell(shop)
    internet, tv = (
        sale.subscriptions.get(product=shop.internet),
        sale.subscriptions.get(product=shop.tv),
    )
    today = company_today()
    with pytest.raises(ValidationError) as exc:
        subscription_activate(actor=ACTOR, subscription=internet, on=today + dt.timedelta(days=1))
    assert "on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        subscription_activate(actor=ACTOR, subscription=internet, on=today - dt.timedelta(days=3))
    subscription_activate(actor=ACTOR, subscription=internet, on=today)
    internet.refresh_from_db()
    assert (internet.status, internet.activated_on) == ("active", today)
    assert Customer.objects.get(pk=shop.customer.pk).status == "active"
    request = ServiceRequest.objects.get(sale=sale)
    assert request.status == RequestStatus.OPEN  # TV still pending
    with pytest.raises(ValidationError) as exc:
        subscription_activate(actor=ACTOR, subscription=internet, on=today)
    assert "status" in exc.value.message_dict
    subscription_activate(actor=ACTOR, subscription=tv, on=today)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE


def test_installation_fee_is_charged_once_at_the_first_activation(in_a1):
    """The sale's installation fee becomes a one-off charge for the next billing run when the
    first product it sold is installed, once however many products are activated; a free
    installation or a sale never installed charges nothing."""
    from tenant_apps.billing.models import OneOffCharge

    shop = make_shop()
    sale = sell(shop)
    assert not OneOffCharge.objects.filter(customer=shop.customer).exists()
    today = company_today()
    for sub in sale.subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    charge = OneOffCharge.objects.get(customer=shop.customer)
    assert (charge.kind, charge.amount, charge.source, charge.source_ref) == (
        "installation",
        Decimal("150.00"),
        "sale",
        sale.number,
    )
    assert charge.invoice_id is None and not charge.cancelled

    free = make_shop(free_installation=True)
    for sub in sell(free).subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    assert not OneOffCharge.objects.filter(customer=free.customer).exists()


def test_manual_activation_needs_a_note_and_is_audited(in_a1):
    """Activating by hand requires a note, kept in the audit trail."""
    shop = make_shop()
    sub = sell(shop).subscriptions.first()
    with pytest.raises(ValidationError) as exc:
        subscription_activate_manually(actor=ACTOR, subscription=sub, on=company_today(), note=" ")
    assert "note" in exc.value.message_dict
    subscription_activate_manually(
        actor=ACTOR, subscription=sub, on=company_today(), note="Instalado pelo parceiro"
    )
    event = AuditEvent.objects.get(action="subscriptions.activate_manually", object_id=str(sub.pk))
    assert event.changes["note"] == "Instalado pelo parceiro"


def test_cancel_main_cancels_its_additionals_with_requests(in_a1):
    """Cancelling an installed main product cancels its additionals; a disconnection request
    lists them, and a device-removal request those needing devices; reason and note kept."""
    shop = make_shop()
    ProductDeviceFactory(product=shop.tv)
    sale = sell(shop, optional_items=[shop.extra_item.pk])
    today = company_today()
    for sub in sale.subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    tv = sale.subscriptions.get(product=shop.tv)
    cancelled = subscription_cancel(actor=ACTOR, subscription=tv, reason="price", note="Caro")
    assert {s.product_id for s in cancelled} == {shop.tv.pk, shop.extra.pk}
    for sub in cancelled:
        sub.refresh_from_db()
        assert (sub.status, sub.cancel_reason, sub.cancel_note, sub.ends_on) == (
            "cancelled",
            "price",
            "Caro",
            today,
        )
    disconnection = ServiceRequest.objects.get(customer=shop.customer, kind="disconnection")
    assert set(disconnection.subscriptions.values_list("product_id", flat=True)) == {
        shop.tv.pk,
        shop.extra.pk,
    }
    removal = ServiceRequest.objects.get(customer=shop.customer, kind="device_removal")
    assert list(removal.subscriptions.values_list("product_id", flat=True)) == [shop.tv.pk]
    assert sale.subscriptions.get(product=shop.internet).status == "active"
    with pytest.raises(ValidationError):
        subscription_cancel(actor=ACTOR, subscription=tv, reason="price")
    with pytest.raises(ValidationError) as exc:
        subscription_cancel(
            actor=ACTOR, subscription=sale.subscriptions.get(product=shop.internet), reason="x"
        )
    assert "reason" in exc.value.message_dict


def test_cancelling_pending_products_cancels_the_installation(in_a1):
    """Products never installed need no disconnection: they leave the installation request,
    which is cancelled when nothing is left; the customer ends cancelled."""
    shop = make_shop()
    sale = sell(shop)
    customer_cancel(actor=ACTOR, customer=shop.customer, reason="moving")
    request = ServiceRequest.objects.get(sale=sale)
    assert request.status == RequestStatus.CANCELLED
    assert not ServiceRequest.objects.filter(customer=shop.customer, kind="disconnection").exists()
    shop.customer.refresh_from_db()
    assert shop.customer.status == "cancelled"
    with pytest.raises(ValidationError) as exc:
        customer_cancel(actor=ACTOR, customer=shop.customer, reason="moving")
    assert "customer" in exc.value.message_dict


def test_customer_cancel_makes_requests_per_address(in_a1):
    """Cancelling the customer cancels everything, with one disconnection request per address."""
    shop = make_shop()
    second = AddressFactory(customer=shop.customer, zone=shop.zone)
    sale1 = sell(shop)
    sale2 = sale_create(actor=ACTOR, customer=shop.customer, address=second, plan=shop.plan)
    for sub in Subscription.objects.filter(sale__in=[sale1, sale2]):
        subscription_activate(actor=ACTOR, subscription=sub, on=company_today())
    cancelled = customer_cancel(actor=ACTOR, customer=shop.customer, reason="competitor")
    assert len(cancelled) == 4
    requests = ServiceRequest.objects.filter(customer=shop.customer, kind="disconnection")
    assert sorted(requests.values_list("address_id", flat=True)) == sorted(
        [shop.address.pk, second.pk]
    )
    assert AuditEvent.objects.filter(action="customers.cancel").exists()


def test_additional_remove(in_a1):
    """Removing an additional product cancels it only; a main product is refused here."""
    shop = make_shop()
    sale = sell(shop, optional_items=[shop.extra_item.pk])
    extra = sale.subscriptions.get(product=shop.extra)
    removed = additional_remove(actor=ACTOR, subscription=extra, note="Não quer mais")
    assert removed.status == "cancelled"
    assert sale.subscriptions.get(product=shop.tv).status == "pending"
    with pytest.raises(ValidationError):
        additional_remove(actor=ACTOR, subscription=sale.subscriptions.get(product=shop.tv))


def _upgrade_plan(shop: Shop):
    plan = SalesPlanFactory(installation_fee=Decimal("90.00"))
    fast = ProductFactory(
        system=System.INTERNET,
        role=ProductRole.MAIN,
        technology=Technology.FTTH,
        monthly_price=Decimal("149.90"),
    )
    fast_item = PlanItemFactory(plan=plan, product=fast)
    PlanItemFactory(plan=plan, product=shop.tv, price=Decimal("59.90"))
    PlanPromotionFactory(item=fast_item, value=Decimal("20.00"), months=2)
    return plan, fast


def test_plan_change_today_active_stays_active(in_a1):
    """An upgrade effective today: old products end today, replaced by the new ones, which
    are active from today with their promotions dated; no new installation."""
    shop = make_shop()
    sale = sell(shop)
    today = company_today()
    for sub in sale.subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    new_plan, fast = _upgrade_plan(shop)
    internet = sale.subscriptions.get(product=shop.internet)
    change = plan_change(actor=ACTOR, subscription=internet, new_plan=new_plan, effective_on=today)
    assert change.kind == SaleKind.PLAN_CHANGE and change.installation_fee == Decimal("0.00")
    new = {s.product_id: s for s in change.subscriptions.all()}
    assert new[fast.pk].status == "active" and new[fast.pk].activated_on == today
    assert new[shop.tv.pk].price == Decimal("59.90")
    promo = new[fast.pk].promotions.get()
    assert promo.starts_on == today and promo.ends_on == today + relativedelta(months=2)
    for old in sale.subscriptions.all():
        assert (old.status, old.ends_on) == ("cancelled", today)
    internet.refresh_from_db()
    assert internet.replaced_by_id == new[fast.pk].pk
    assert not ServiceRequest.objects.filter(sale=change, kind="installation").exists()
    shop.customer.refresh_from_db()
    assert shop.customer.status == "active"


def test_plan_change_in_the_future_and_refusals(in_a1):
    """A future change keeps the old products active until the date; past dates, the same
    plan and an uncovered new plan are refused."""
    shop = make_shop()
    sale = sell(shop)
    today = company_today()
    for sub in sale.subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    internet = sale.subscriptions.get(product=shop.internet)
    new_plan, fast = _upgrade_plan(shop)
    with pytest.raises(ValidationError) as exc:
        plan_change(
            actor=ACTOR,
            subscription=internet,
            new_plan=new_plan,
            effective_on=today - dt.timedelta(days=1),
        )
    assert "effective_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        plan_change(actor=ACTOR, subscription=internet, new_plan=shop.plan, effective_on=today)
    assert "plan" in exc.value.message_dict
    uncovered = SalesPlanFactory()
    PlanItemFactory(
        plan=uncovered,
        product=ProductFactory(system=System.INTERNET, technology=Technology.DTH),
    )
    with pytest.raises(SaleRefused) as exc:
        plan_change(actor=ACTOR, subscription=internet, new_plan=uncovered, effective_on=today)
    assert codes(exc.value) == [c.TECHNOLOGY_NOT_COVERED]
    later = today + dt.timedelta(days=10)
    change = plan_change(actor=ACTOR, subscription=internet, new_plan=new_plan, effective_on=later)
    internet.refresh_from_db()
    assert (internet.status, internet.ends_on) == ("active", later)
    assert change.subscriptions.get(product=fast).activated_on == later


def test_plan_change_of_pending_products_moves_the_installation(in_a1):
    """Changing plan before installation: old pending products are cancelled and the new
    ones take their place in the open installation request."""
    shop = make_shop()
    sale = sell(shop)
    new_plan, _fast = _upgrade_plan(shop)
    change = plan_change(
        actor=ACTOR,
        subscription=sale.subscriptions.get(product=shop.tv),
        new_plan=new_plan,
        effective_on=company_today(),
    )
    request = ServiceRequest.objects.get(sale=sale)
    assert set(request.subscriptions.values_list("pk", flat=True)) == set(
        change.subscriptions.values_list("pk", flat=True)
    )
    assert set(change.subscriptions.values_list("status", flat=True)) == {"pending"}
    assert not sale.subscriptions.exclude(status="cancelled").exists()


def test_plan_change_with_new_technology_and_dropped_products(in_a1):
    """Replacing an active HFC TV by an FTTH TV keeps it active with a device-change request;
    an installed product the new plan lacks ends with a disconnection request; a product of
    a system the address did not have is pending with an installation request and the fee."""
    shop = make_shop()
    sale = sell(shop)
    today = company_today()
    for sub in sale.subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    plan = SalesPlanFactory(installation_fee=Decimal("40.00"))
    iptv = ProductFactory(system=System.TV, role=ProductRole.MAIN, technology=Technology.FTTH)
    phone = ProductFactory(
        system=System.TELEPHONY, role=ProductRole.MAIN, technology=Technology.FTTH
    )
    PlanItemFactory(plan=plan, product=iptv)
    PlanItemFactory(plan=plan, product=phone)
    tv = sale.subscriptions.get(product=shop.tv)
    change = plan_change(actor=ACTOR, subscription=tv, new_plan=plan, effective_on=today)
    new = {s.product_id: s for s in change.subscriptions.all()}
    assert new[iptv.pk].status == "active"
    assert new[phone.pk].status == "pending"
    assert change.installation_fee == Decimal("40.00")
    requests = {r.kind: r for r in ServiceRequest.objects.filter(customer=shop.customer)}
    assert list(requests["device_change"].subscriptions.all()) == [new[iptv.pk]]
    assert list(requests["disconnection"].subscriptions.values_list("product_id", flat=True)) == [
        shop.internet.pk
    ]
    installs = ServiceRequest.objects.filter(sale=change, kind="installation").get()
    assert list(installs.subscriptions.all()) == [new[phone.pk]]
    tv.refresh_from_db()
    assert tv.replaced_by_id == new[iptv.pk].pk
