"""The sale and everything done to what was sold (S1 conditions, S2 promotions, S3 groups, S4).

Every function here is atomic, audited, and calls ``customer_status_refresh`` after changing a
subscription's status. Dates are the company's local dates (``selectors.company_today``).

Rules worth knowing:

* A sale checks every condition (``conditions.sale_failures``) and, when any fails, raises
  ``SaleRefused`` (a ValidationError, code ``sale_refused``) listing all of them.
* Subscriptions are created *pending installation*; ``subscription_activate`` makes them active
  from a date and dates their promotions (``starts_on`` = activation, ``ends_on`` = activation +
  months, exclusive).
* Cancelling installed products (active or suspended) records a disconnection request, and a
  device-removal request for those whose product or plan needs devices; cancelling products
  still pending takes them out of their open installation request (cancelled when empty).
* A plan change replaces the products of the plan at the address from an effective date (today
  or later): old ones get ``ends_on`` = that date and ``replaced_by``; a new product replacing an
  active one is active from that date (no new installation), with a device-change request when
  its technology differs; a new product with nothing to replace is pending with an installation
  request. Old products whose end is in the future keep their status until then (billing reads
  the dates); those ending today are cancelled at once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps.billing.choices import ChargeKind, ChargeSource
from tenant_apps.billing.services import advance_adjust, charge_add
from tenant_apps.catalog.choices import ProductRole
from tenant_apps.catalog.models import ProductDevice
from tenant_apps.customers.choices import CustomerType
from tenant_apps.customers.models import Address, Customer
from tenant_apps.customers.services import customer_status_refresh
from tenant_apps.ledger.selectors import customer_debt
from tenant_apps.parameters.selectors import company_parameters, company_today
from tenant_apps.parameters.services import series_take

from ..choices import (
    CancelReason,
    PlanKind,
    RequestKind,
    RequestStatus,
    SaleKind,
    SubscriptionStatus,
    SuspensionReason,
)
from ..conditions import (
    AddressFacts,
    CustomerFacts,
    Failure,
    ItemFacts,
    PlanFacts,
    sale_failures,
)
from ..models import (
    GroupPlan,
    PlanDevice,
    PlanItem,
    PlanPromotion,
    Sale,
    SalesPlan,
    ServiceRequest,
    Subscription,
    SubscriptionPromotion,
)

PENDING = SubscriptionStatus.PENDING
ACTIVE = SubscriptionStatus.ACTIVE
SUSPENDED = SubscriptionStatus.SUSPENDED
CANCELLED = SubscriptionStatus.CANCELLED
ALIVE = (PENDING, ACTIVE, SUSPENDED)
INSTALLED = (ACTIVE, SUSPENDED)
CENTS = Decimal("0.01")


class SaleRefused(ValidationError):
    """The sale breaks one or more conditions; ``failures`` lists each one (code, field,
    message). As a ValidationError its messages are grouped by field."""

    def __init__(self, failures: Sequence[Failure]):
        self.failures = list(failures)
        errors: dict[str, list[ValidationError]] = {}
        for failure in self.failures:
            errors.setdefault(failure.field, []).append(
                ValidationError(failure.message, code=failure.code)
            )
        super().__init__(errors)
        self.code = "sale_refused"


# --- facts for the conditions ------------------------------------------------------------------


def _plan_facts(plan: SalesPlan) -> PlanFacts:
    types = list(plan.customer_types or [])
    return PlanFacts(
        name=plan.name,
        is_active=plan.is_active,
        valid_from=plan.valid_from,
        valid_until=plan.valid_until,
        customer_types=frozenset(types),
        customer_types_label=", ".join(str(CustomerType(t).label) for t in types),
        city_ids=frozenset(plan.cities.values_list("pk", flat=True)),
        zone_ids=frozenset(plan.zones.values_list("pk", flat=True)),
        max_debt=plan.max_debt,
        max_overdue_days=plan.max_overdue_days,
        prepaid=plan.kind == PlanKind.PREPAID,
    )


def _customer_facts(customer: Customer, *, today: dt.date) -> CustomerFacts:
    debt = customer_debt(customer.pk, today=today)
    return CustomerFacts(
        customer_type=customer.customer_type,
        customer_type_label=customer.get_customer_type_display(),
        overdue_debt=debt.overdue,
        days_overdue=debt.days_overdue,
    )


def _address_facts(address: Address, *, exclude_ids: Iterable[int] = ()) -> AddressFacts:
    zone = address.zone
    rows = (
        Subscription.objects.filter(address_id=address.pk, status__in=ALIVE)
        .exclude(pk__in=list(exclude_ids))
        .values_list("product_id", "product__role", "product__system", "status")
    )
    rows = list(rows)
    return AddressFacts(
        zone_id=zone.pk,
        zone_name=zone.name,
        city_id=zone.city_id,
        city_name=str(zone.city),
        technologies=frozenset(zone.technologies or []),
        main_systems=frozenset(
            system
            for _p, role, system, status in rows
            if role == ProductRole.MAIN and status in (PENDING, ACTIVE)
        ),
        product_ids=frozenset(p for p, *_rest in rows),
    )


def _item_facts(item: PlanItem) -> ItemFacts:
    product = item.product
    return ItemFacts(
        product_id=product.pk,
        product_name=product.name,
        system=product.system,
        system_label=product.get_system_display(),
        role=product.role,
        technology=product.technology,
        technology_label=product.get_technology_display(),
        product_active=product.is_active,
    )


def _failures(
    *,
    customer: Customer,
    address: Address,
    plan: SalesPlan,
    items: Sequence[PlanItem],
    today: dt.date,
    exclude_ids: Iterable[int] = (),
) -> list[Failure]:
    return sale_failures(
        plan=_plan_facts(plan),
        customer=_customer_facts(customer, today=today),
        address=_address_facts(address, exclude_ids=exclude_ids),
        items=[_item_facts(i) for i in items],
        today=today,
    )


# --- input checks ------------------------------------------------------------------------------


def _check_address(customer: Customer, address: Address) -> None:
    if address.customer_id != customer.pk:
        raise ValidationError({"address": _("This address belongs to another customer.")})
    if not address.is_active:
        raise ValidationError({"address": _("This address is no longer active.")})


def _sale_items(plan: SalesPlan, optional_items: Iterable[PlanItem | int]) -> list[PlanItem]:
    """The plan's included items and the optional ones chosen (each must be of this plan)."""
    wanted = {i.pk if isinstance(i, PlanItem) else int(i) for i in optional_items}
    items = list(plan.items.select_related("product").order_by("id"))
    by_id = {i.pk: i for i in items}
    bad = [pk for pk in wanted if pk not in by_id or by_id[pk].included]
    if bad:
        raise ValidationError(
            {
                "optional_items": _(
                    "Choose optional products of plan “%(plan)s” only (not its included ones)."
                )
                % {"plan": plan.name}
            }
        )
    return [i for i in items if i.included or i.pk in wanted]


def _lock_key(key: str) -> None:
    """Serialize operations that share an idempotency key (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"sale:{key}"])


def _replay(key: str | None, *, customer_id: int, address_id: int, plan_id: int) -> Sale | None:
    if not key:
        return None
    _lock_key(key)
    existing = Sale.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if (existing.customer_id, existing.address_id, existing.plan_id) != (
        customer_id,
        address_id,
        plan_id,
    ):
        raise ValidationError(
            {"idempotency_key": _("This key was already used for another sale.")}, code="conflict"
        )
    return existing


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(zoneinfo.ZoneInfo(company_parameters().time_zone)).date()


# --- writing helpers ---------------------------------------------------------------------------


def _new_sale(
    *,
    actor: Actor,
    kind: str,
    customer: Customer,
    address: Address,
    plan: SalesPlan,
    installation_fee: Decimal,
    idempotency_key: str | None,
) -> Sale:
    sale = Sale(
        number=series_take(kind="contract")[0],
        kind=kind,
        customer=customer,
        address=address,
        plan=plan,
        seller_user_id=actor.user_id,
        seller_label=actor.label[:150],
        branch_id=actor.branch_id,
        installation_fee=Decimal(installation_fee).quantize(CENTS, rounding=ROUND_HALF_UP),
        idempotency_key=idempotency_key or None,
    )
    sale.full_clean()
    sale.save()
    return sale


def _fee(plan: SalesPlan) -> Decimal:
    return Decimal("0") if plan.free_installation else plan.installation_fee


def _existing_main(
    address: Address, system: str, exclude_ids: Iterable[int]
) -> Subscription | None:
    return (
        Subscription.objects.filter(
            address_id=address.pk,
            status__in=(ACTIVE, PENDING),
            product__role=ProductRole.MAIN,
            product__system=system,
        )
        .exclude(pk__in=list(exclude_ids))
        .order_by("status", "id")  # "active" sorts before "pending"
        .first()
    )


def _group_item_ids(address: Address, plan: SalesPlan) -> set[int]:
    if not address.group_id:
        return set()
    group_plan = GroupPlan.objects.filter(group_id=address.group_id, plan=plan).first()
    if group_plan is None:
        return set()
    return set(group_plan.group_items.values_list("pk", flat=True))


def _promotion_dates(months: int, on: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    if on is None:
        return None, None
    return on, on + relativedelta(months=months)


def _create_subscriptions(
    *,
    sale: Sale,
    items: Sequence[PlanItem],
    start: dict[int, tuple[str, dt.date | None]] | None = None,
    exclude_ids: Iterable[int] = (),
) -> list[Subscription]:
    """One subscription per item (mains first, so additionals can point at them), with the
    plan's promotions copied. ``start`` maps an item id to (status, activated_on); the default
    is pending installation."""
    start = start or {}
    plan, address = sale.plan, sale.address
    group_items = _group_item_ids(address, plan)
    promotions = defaultdict(list)
    for promo in PlanPromotion.objects.filter(item__in=[i.pk for i in items]).order_by("id"):
        promotions[promo.item_id].append(promo)
    mains: dict[str, Subscription] = {}
    created = []
    ordered = sorted(items, key=lambda i: (i.product.role != ProductRole.MAIN, i.pk))
    for item in ordered:
        product = item.product
        status, activated_on = start.get(item.pk, (PENDING, None))
        main = None
        if product.role == ProductRole.ADDITIONAL:
            main = mains.get(product.system) or _existing_main(address, product.system, exclude_ids)
        sub = Subscription(
            customer_id=sale.customer_id,
            address=address,
            sale=sale,
            plan=plan,
            plan_item=item,
            product=product,
            main=main,
            status=status,
            prepaid=plan.kind == PlanKind.PREPAID,
            price=Decimal(item.effective_price).quantize(CENTS, rounding=ROUND_HALF_UP),
            daily_cost=product.daily_cost,
            billed_to_group_id=address.group_id if item.pk in group_items else None,
            activated_on=activated_on,
        )
        sub.full_clean()
        sub.save()
        if product.role == ProductRole.MAIN:
            mains.setdefault(product.system, sub)
        for promo in promotions[item.pk]:
            starts_on, ends_on = _promotion_dates(promo.months, activated_on)
            copy = SubscriptionPromotion(
                subscription=sub,
                source=promo,
                name=promo.name,
                discount_kind=promo.discount_kind,
                value=promo.value,
                months=promo.months,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            copy.full_clean()
            copy.save()
        created.append(sub)
    return created


def _request(
    *,
    actor: Actor,
    kind: str,
    customer_id: int,
    address_id: int,
    subscriptions: Sequence[Subscription],
    sale: Sale | None = None,
    note: str = "",
) -> ServiceRequest:
    request = ServiceRequest(
        kind=kind,
        customer_id=customer_id,
        address_id=address_id,
        sale=sale,
        note=note[:200],
        created_by=actor.label[:150],
    )
    request.full_clean()
    request.save()
    request.subscriptions.set(subscriptions)
    audit_record(
        actor=actor,
        action="service_requests.create",
        target=request,
        changes={"kind": kind, "subscriptions": [s.pk for s in subscriptions]},
    )
    return request


def _sale_audit(actor: Actor, action: str, sale: Sale, subs: Sequence[Subscription], **extra):
    audit_record(
        actor=actor,
        action=action,
        target=sale,
        changes={
            "number": sale.number,
            "kind": sale.kind,
            "customer": sale.customer_id,
            "address": sale.address_id,
            "plan": sale.plan_id,
            "installation_fee": sale.installation_fee,
            "subscriptions": [s.pk for s in subs],
            **extra,
        },
    )


def _lock_customer(customer: Customer) -> Customer:
    """Serialize operations on one customer's products (two sales at once would both pass the
    duplicate check)."""
    return Customer.objects.select_for_update().get(pk=customer.pk)


# --- the sale ----------------------------------------------------------------------------------


def sale_check(
    *,
    customer: Customer,
    address: Address,
    plan: SalesPlan,
    optional_items: Iterable[PlanItem | int] = (),
    today: dt.date | None = None,
) -> list[Failure]:
    """Dry run of ``sale_create``: every failing condition (empty: the sale would go ahead).
    Bad input (an address of another customer, an optional item of another plan) raises a
    ValidationError naming the field."""
    today = today or company_today()
    _check_address(customer, address)
    items = _sale_items(plan, optional_items)
    return _failures(customer=customer, address=address, plan=plan, items=items, today=today)


@transaction.atomic
def sale_create(
    *,
    actor: Actor,
    customer: Customer,
    address: Address,
    plan: SalesPlan,
    optional_items: Iterable[PlanItem | int] = (),
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Sale:
    """Sell ``plan`` to ``customer`` at ``address``: pending subscriptions (included items and
    the chosen optional ones) with their promotions, and an installation request. The same
    ``idempotency_key`` again returns the sale already made."""
    replay = _replay(
        idempotency_key, customer_id=customer.pk, address_id=address.pk, plan_id=plan.pk
    )
    if replay is not None:
        return replay
    return _sell(
        actor=actor,
        kind=SaleKind.NEW,
        action="sales.sell",
        customer=customer,
        address=address,
        plan=plan,
        items=_sale_items(plan, optional_items),
        installation_fee=_fee(plan),
        idempotency_key=idempotency_key,
        today=today,
    )


def _sell(
    *,
    actor: Actor,
    kind: str,
    action: str,
    customer: Customer,
    address: Address,
    plan: SalesPlan,
    items: list[PlanItem],
    installation_fee: Decimal,
    idempotency_key: str | None,
    today: dt.date | None,
) -> Sale:
    """Check every condition, then record the sale, its pending subscriptions (promotions
    copied) and the installation request (the caller's transaction)."""
    customer = _lock_customer(customer)
    today = today or company_today()
    _check_address(customer, address)
    failures = _failures(customer=customer, address=address, plan=plan, items=items, today=today)
    if failures:
        raise SaleRefused(failures)
    sale = _new_sale(
        actor=actor,
        kind=kind,
        customer=customer,
        address=address,
        plan=plan,
        installation_fee=installation_fee,
        idempotency_key=idempotency_key,
    )
    subs = _create_subscriptions(sale=sale, items=items)
    _request(
        actor=actor,
        kind=RequestKind.INSTALLATION,
        customer_id=customer.pk,
        address_id=address.pk,
        subscriptions=subs,
        sale=sale,
    )
    _sale_audit(actor, action, sale, subs)
    customer_status_refresh(customer_id=customer.pk)
    return sale


@transaction.atomic
def additional_add(
    *,
    actor: Actor,
    address: Address,
    item: PlanItem,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Sale:
    """Sell one additional product of a plan at an address that has its main product (the
    plan's conditions are checked as for a sale). Pending, with an installation request."""
    customer = address.customer
    if item.product.role != ProductRole.ADDITIONAL:
        raise ValidationError(
            {
                "item": _("%(product)s is not an additional product.")
                % {"product": item.product.name}
            }
        )
    replay = _replay(
        idempotency_key, customer_id=customer.pk, address_id=address.pk, plan_id=item.plan_id
    )
    if replay is not None:
        return replay
    return _sell(
        actor=actor,
        kind=SaleKind.ADDITIONAL,
        action="sales.additional_add",
        customer=customer,
        address=address,
        plan=item.plan,
        items=[item],
        installation_fee=Decimal("0"),
        idempotency_key=idempotency_key,
        today=today,
    )


# --- cancelling --------------------------------------------------------------------------------


def _needs_devices(subs: Sequence[Subscription]) -> list[Subscription]:
    product_ids = set(
        ProductDevice.objects.filter(product_id__in=[s.product_id for s in subs]).values_list(
            "product_id", flat=True
        )
    )
    plan_ids = set(
        PlanDevice.objects.filter(plan_id__in=[s.plan_id for s in subs]).values_list(
            "plan_id", flat=True
        )
    )
    return [s for s in subs if s.product_id in product_ids or s.plan_id in plan_ids]


def _drop_from_installations(subs: Sequence[Subscription], *, actor: Actor) -> None:
    """Take products no longer to install out of their open installation requests; a request
    left with nothing to install is cancelled."""
    if not subs:
        return
    ids = [s.pk for s in subs]
    requests = ServiceRequest.objects.filter(
        kind=RequestKind.INSTALLATION, status=RequestStatus.OPEN, subscriptions__in=ids
    ).distinct()
    for request in requests:
        request.subscriptions.remove(*ids)
        if not request.subscriptions.exclude(status=CANCELLED).exists():
            request.status = RequestStatus.CANCELLED
            request.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="service_requests.cancel",
                target=request,
                changes={"status": [RequestStatus.OPEN, RequestStatus.CANCELLED]},
            )


def _cancel(
    *,
    actor: Actor,
    subs: Sequence[Subscription],
    reason: str,
    note: str,
    today: dt.date,
    action: str,
) -> list[Subscription]:
    if reason not in CancelReason.values:
        raise ValidationError({"reason": _("Choose a cancellation reason from the list.")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("At most 200 characters.")})
    locked = list(
        Subscription.objects.select_for_update()
        .filter(pk__in=[s.pk for s in subs])
        .select_related("product")
        .order_by("id")
    )
    dead = [s for s in locked if s.status not in ALIVE]
    if dead:
        raise ValidationError(
            {"subscription": _("%(product)s is already cancelled.") % {"product": dead[0].product}}
        )
    by_address: dict[int, list[tuple[Subscription, str]]] = defaultdict(list)
    for sub in locked:
        before = sub.status
        sub.status = CANCELLED
        sub.cancel_reason = reason
        sub.cancel_note = note
        sub.ends_on = min(sub.ends_on, today) if sub.ends_on else today
        sub.full_clean()
        sub.save()
        audit_record(
            actor=actor,
            action=action,
            target=sub,
            changes={"status": [before, CANCELLED], "reason": reason, "note": note},
        )
        by_address[sub.address_id].append((sub, before))
    for address_id, pairs in by_address.items():
        customer_id = pairs[0][0].customer_id
        installed = [s for s, before in pairs if before in INSTALLED]
        pending = [s for s, before in pairs if before == PENDING]
        if installed:
            label = CancelReason(reason).label
            _request(
                actor=actor,
                kind=RequestKind.DISCONNECTION,
                customer_id=customer_id,
                address_id=address_id,
                subscriptions=installed,
                note=f"{label}: {note}" if note else str(label),
            )
            with_devices = _needs_devices(installed)
            if with_devices:
                _request(
                    actor=actor,
                    kind=RequestKind.DEVICE_REMOVAL,
                    customer_id=customer_id,
                    address_id=address_id,
                    subscriptions=with_devices,
                    note=str(label),
                )
        _drop_from_installations(pending, actor=actor)
    # A cycle billed in advance past the end is credited its unused days (billing owns this).
    advance_adjust(actor=actor, subscriptions=locked, since=min(s.ends_on for s in locked))
    for customer_id in {s.customer_id for s in locked}:
        customer_status_refresh(customer_id=customer_id)
    return locked


@transaction.atomic
def subscription_cancel(
    *,
    actor: Actor,
    subscription: Subscription,
    reason: str,
    note: str = "",
    today: dt.date | None = None,
) -> list[Subscription]:
    """Cancel a product (and, for a main product, its additional products still alive).
    Returns every subscription cancelled."""
    subs = [subscription]
    if subscription.product.role == ProductRole.MAIN:
        subs += list(subscription.additionals.filter(status__in=ALIVE))
    return _cancel(
        actor=actor,
        subs=subs,
        reason=reason,
        note=note,
        today=today or company_today(),
        action="subscriptions.cancel",
    )


@transaction.atomic
def additional_remove(
    *,
    actor: Actor,
    subscription: Subscription,
    reason: str = CancelReason.OTHER,
    note: str = "",
    today: dt.date | None = None,
) -> Subscription:
    """Remove an additional product (its main product stays)."""
    if subscription.product.role != ProductRole.ADDITIONAL:
        raise ValidationError(
            {"subscription": _("Only additional products are removed this way; cancel it instead.")}
        )
    return _cancel(
        actor=actor,
        subs=[subscription],
        reason=reason,
        note=note,
        today=today or company_today(),
        action="subscriptions.additional_remove",
    )[0]


@transaction.atomic
def customer_cancel(
    *,
    actor: Actor,
    customer: Customer,
    reason: str,
    note: str = "",
    today: dt.date | None = None,
) -> list[Subscription]:
    """Cancel every product of the customer, at every address (requests per address)."""
    subs = list(Subscription.objects.filter(customer_id=customer.pk, status__in=ALIVE))
    if not subs:
        raise ValidationError({"customer": _("The customer has no product to cancel.")})
    cancelled = _cancel(
        actor=actor,
        subs=subs,
        reason=reason,
        note=note,
        today=today or company_today(),
        action="subscriptions.cancel",
    )
    audit_record(
        actor=actor,
        action="customers.cancel",
        target=customer,
        changes={"reason": reason, "note": note, "subscriptions": [s.pk for s in cancelled]},
    )
    return cancelled


# --- changing plan -----------------------------------------------------------------------------


@transaction.atomic
def plan_change(
    *,
    actor: Actor,
    subscription: Subscription,
    new_plan: SalesPlan,
    effective_on: dt.date,
    optional_items: Iterable[PlanItem | int] = (),
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Sale:
    """Move the products of ``subscription``'s plan at its address to ``new_plan`` from
    ``effective_on`` (upgrade or downgrade). See the module notes for the rules."""
    address = subscription.address
    customer = subscription.customer
    replay = _replay(
        idempotency_key, customer_id=customer.pk, address_id=address.pk, plan_id=new_plan.pk
    )
    if replay is not None:
        return replay
    customer = _lock_customer(customer)
    today = today or company_today()
    if effective_on < today:
        raise ValidationError({"effective_on": _("The effective date cannot be in the past.")})
    if new_plan.pk == subscription.plan_id:
        raise ValidationError({"plan": _("The products are already in this plan.")})
    old = list(
        Subscription.objects.select_for_update()
        .filter(address_id=address.pk, plan_id=subscription.plan_id, status__in=ALIVE)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=effective_on))
        .filter(replaced_by__isnull=True)
        .select_related("product")
        .order_by("id")
    )
    if subscription.pk not in {s.pk for s in old}:
        raise ValidationError(
            {
                "subscription": _(
                    "This product is no longer in service, or already has a plan change scheduled."
                )
            }
        )
    if any(s.status == SUSPENDED for s in old):
        if all(
            s.suspension == SuspensionReason.PREPAID_BALANCE for s in old if s.status == SUSPENDED
        ):
            message = _(
                "Products switched off for lack of prepaid balance cannot change plan; "
                "recharge first."
            )
        else:
            message = _("Suspended products cannot change plan; settle the debt first.")
        raise ValidationError({"subscription": message})
    old_ids = [s.pk for s in old]
    # --- prepaid switch (S4; tenant_apps.prepaid owns these hooks) ---
    from tenant_apps.prepaid import services as prepaid_hooks

    switch = prepaid_hooks.switch_of(subscription.plan, new_plan)
    if switch:
        prepaid_hooks.prepaid_switch_check(
            switch=switch, customer=customer, effective_on=effective_on, today=today
        )
    # --- end prepaid switch ---
    _check_address(customer, address)
    items = _sale_items(new_plan, optional_items)
    failures = _failures(
        customer=customer,
        address=address,
        plan=new_plan,
        items=items,
        today=today,
        exclude_ids=old_ids,
    )
    if failures:
        raise SaleRefused(failures)

    # Pair each new item with the old product it replaces: same product, else same system/role.
    free = list(old)
    counterpart: dict[int, Subscription] = {}
    for key in (
        lambda s, i: s.product_id == i.product_id,
        lambda s, i: (s.product.system, s.product.role) == (i.product.system, i.product.role),
    ):
        for item in items:
            if item.pk in counterpart:
                continue
            match = next((s for s in free if key(s, item)), None)
            if match is not None:
                counterpart[item.pk] = match
                free.remove(match)
    start = {
        item_pk: (ACTIVE, effective_on)
        for item_pk, sub in counterpart.items()
        if sub.status == ACTIVE
    }
    to_install = [i for i in items if i.pk not in start]
    sale = _new_sale(
        actor=actor,
        kind=SaleKind.PLAN_CHANGE,
        customer=customer,
        address=address,
        plan=new_plan,
        installation_fee=_fee(new_plan)
        if any(i.pk not in counterpart for i in to_install)
        else Decimal("0"),
        idempotency_key=idempotency_key,
    )
    new = _create_subscriptions(sale=sale, items=items, start=start, exclude_ids=old_ids)
    new_by_item = {s.plan_item_id: s for s in new}
    replaced: dict[int, Subscription] = {
        sub.pk: new_by_item[item_pk] for item_pk, sub in counterpart.items()
    }
    note = _("Plan change to %(plan)s") % {"plan": new_plan.name}
    ended_installed, dropped_pending, pending_moves = [], [], []
    for sub in old:
        before = sub.status
        sub.replaced_by = replaced.get(sub.pk)
        sub.ends_on = effective_on
        if before == PENDING or effective_on <= today:
            sub.status = CANCELLED
        sub.cancel_note = note[:200]
        sub.full_clean()
        sub.save()
        audit_record(
            actor=actor,
            action="subscriptions.replace",
            target=sub,
            changes={
                "status": [before, sub.status],
                "ends_on": effective_on,
                "replaced_by": sub.replaced_by_id,
            },
        )
        if before == PENDING:
            if sub.replaced_by is not None:
                pending_moves.append((sub, sub.replaced_by))
            else:
                dropped_pending.append(sub)
        elif sub.replaced_by is None:
            ended_installed.append(sub)
    # A pending product replaced by a pending one: the new one takes its place in the request.
    moved = set()
    for old_sub, new_sub in pending_moves:
        for request in ServiceRequest.objects.filter(
            kind=RequestKind.INSTALLATION, status=RequestStatus.OPEN, subscriptions=old_sub
        ):
            request.subscriptions.remove(old_sub)
            request.subscriptions.add(new_sub)
            moved.add(new_sub.pk)
    _drop_from_installations(dropped_pending, actor=actor)
    install = [s for s in new if s.status == PENDING and s.pk not in moved]
    if install:
        _request(
            actor=actor,
            kind=RequestKind.INSTALLATION,
            customer_id=customer.pk,
            address_id=address.pk,
            subscriptions=install,
            sale=sale,
            note=note,
        )
    tech_changes = [  # active products carried over onto another technology
        new_by_item[item_pk]
        for item_pk in start
        if counterpart[item_pk].product.technology != new_by_item[item_pk].product.technology
    ]
    if tech_changes:
        _request(
            actor=actor,
            kind=RequestKind.DEVICE_CHANGE,
            customer_id=customer.pk,
            address_id=address.pk,
            subscriptions=tech_changes,
            sale=sale,
            note=note,
        )
    if ended_installed:
        _request(
            actor=actor,
            kind=RequestKind.DISCONNECTION,
            customer_id=customer.pk,
            address_id=address.pk,
            subscriptions=ended_installed,
            sale=sale,
            note=note,
        )
    _sale_audit(
        actor,
        "sales.plan_change",
        sale,
        new,
        replaces=old_ids,
        effective_on=effective_on,
    )
    # A cycle billed in advance past the change: the old products are credited their unused
    # days and the new postpaid ones charged theirs (billing owns this). A move to prepaid
    # credits nothing here: its final invoice closes the postpaid period (prepaid owns that).
    advance_adjust(actor=actor, subscriptions=new if switch else [*old, *new], since=effective_on)
    # --- prepaid switch (S4; tenant_apps.prepaid owns these hooks) ---
    if switch:
        prepaid_hooks.prepaid_switch_apply(
            actor=actor, switch=switch, sale=sale, old=old, new=new, effective_on=effective_on
        )
    # --- end prepaid switch ---
    customer_status_refresh(customer_id=customer.pk)
    return sale


# --- activating --------------------------------------------------------------------------------


def _activate(
    *,
    actor: Actor,
    subscription: Subscription,
    on: dt.date,
    today: dt.date | None,
    action: str,
    note: str = "",
) -> Subscription:
    sub = (
        Subscription.objects.select_for_update()
        .select_related("sale", "product")
        .get(pk=subscription.pk)
    )
    if sub.status != PENDING:
        raise ValidationError(
            {
                "status": _(
                    "Only a product pending installation can be activated; this one is %(status)s."
                )
                % {"status": sub.get_status_display()}
            }
        )
    today = today or company_today()
    if on > today:
        raise ValidationError({"on": _("The activation date cannot be in the future.")})
    sold_on = _local_date(sub.sale.at)
    if on < sold_on:
        raise ValidationError(
            {
                "on": _("The activation date cannot be before the sale (%(date)s).")
                % {"date": sold_on.isoformat()}
            }
        )
    sub.status = ACTIVE
    sub.activated_on = on
    sub.full_clean()
    sub.save()
    for promo in sub.promotions.all():
        promo.starts_on, promo.ends_on = _promotion_dates(promo.months, on)
        promo.full_clean()
        promo.save(update_fields=["starts_on", "ends_on"])
    for request in ServiceRequest.objects.filter(
        kind=RequestKind.INSTALLATION, status=RequestStatus.OPEN, subscriptions=sub
    ):
        if not request.subscriptions.filter(status=PENDING).exists():
            request.status = RequestStatus.DONE
            request.save(update_fields=["status"])
    changes = {"status": [PENDING, ACTIVE], "activated_on": on}
    if note:
        changes["note"] = note
    audit_record(actor=actor, action=action, target=sub, changes=changes)
    _installation_charge(actor=actor, sale=sub.sale)
    # Activated inside a cycle already billed in advance: its days there are charged.
    advance_adjust(actor=actor, subscriptions=[sub], since=on)
    # --- prepaid first day (S4; tenant_apps.prepaid owns this hook) ---
    if sub.prepaid:
        from tenant_apps.prepaid.services import prepaid_subscription_started

        prepaid_subscription_started(actor=actor, subscription=sub, on=on)
    # --- end prepaid first day ---
    customer_status_refresh(customer_id=sub.customer_id)
    return sub


def _installation_charge(*, actor: Actor, sale: Sale) -> None:
    """The sale's installation fee is billed in the next run once something it sold is
    installed (the first activation; a sale never installed is never charged)."""
    if sale.installation_fee <= 0:
        return
    charge_add(
        actor=actor,
        customer=sale.customer,
        kind=ChargeKind.INSTALLATION,
        amount=sale.installation_fee,
        description=_("Installation fee, contract %(number)s") % {"number": sale.number},
        source=ChargeSource.SALE,
        source_ref=sale.number,
        idempotency_key=f"installation:{sale.pk}",
    )


@transaction.atomic
def subscription_activate(
    *, actor: Actor, subscription: Subscription, on: dt.date, today: dt.date | None = None
) -> Subscription:
    """Activate a pending product from ``on`` (the installation order calls this); its
    promotions run from ``on`` for their months (``ends_on`` exclusive)."""
    return _activate(
        actor=actor, subscription=subscription, on=on, today=today, action="subscriptions.activate"
    )


@transaction.atomic
def subscription_activate_manually(
    *,
    actor: Actor,
    subscription: Subscription,
    on: dt.date,
    note: str,
    today: dt.date | None = None,
) -> Subscription:
    """A supervisor's activation by hand (function subscriptions.activate, checked by the
    caller), until the technical side exists; the note says why, and is audited."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the product is activated by hand.")})
    if len(note) > 200:
        raise ValidationError({"note": _("At most 200 characters.")})
    return _activate(
        actor=actor,
        subscription=subscription,
        on=on,
        today=today,
        action="subscriptions.activate_manually",
        note=note,
    )
