"""Defining sales plans (S1): conditions, products, devices, promotions (S2), group plans (S3).

Every function here writes, checks first (field by field, ``ValidationError({field: msg})``),
runs in one transaction and records the change in the company's audit trail. What was sold is a
copy (sales.Subscription, SubscriptionPromotion): editing a plan never changes a sale.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record, diff
from tenant_apps.catalog.models import DeviceModel, Product, ProductDevice
from tenant_apps.customers.models import Group
from tenant_apps.locations.models import City, Zone

from ..choices import DiscountKind, PlanKind
from ..models import GroupPlan, PlanDevice, PlanItem, PlanPromotion, SalesPlan, Subscription

PLAN_FIELDS = [
    "code",
    "name",
    "kind",
    "valid_from",
    "valid_until",
    "customer_types",
    "max_debt",
    "max_overdue_days",
    "installation_fee",
    "free_installation",
    "min_recharge",
    "is_active",
]
PLAN_RELATIONS = ["cities", "zones"]
ITEM_FIELDS = ["price", "included"]
PROMOTION_FIELDS = ["name", "discount_kind", "value", "months"]
HUNDRED = Decimal("100")


# --- helpers -----------------------------------------------------------------------------


def _snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _raise(errors: dict[str, list[str]]) -> None:
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _ids(objects: Iterable) -> list[int]:
    return sorted(o.pk for o in objects)


# --- plans -------------------------------------------------------------------------------


def _plan_rules(
    plan: SalesPlan,
    *,
    cities: list[City],
    zones: list[Zone],
    products: list[Product],
) -> None:
    """The rules across fields of a plan (full_clean checks each field on its own)."""
    errors: dict[str, list[str]] = {}
    if plan.valid_from and plan.valid_until and plan.valid_until < plan.valid_from:
        _add(errors, "valid_until", _("The plan cannot end before it starts."))
    if plan.free_installation and plan.installation_fee:
        _add(
            errors,
            "installation_fee",
            _("A free installation has no fee: set the fee to 0 or untick free installation."),
        )
    if plan.kind != PlanKind.PREPAID and plan.min_recharge is not None:
        _add(errors, "min_recharge", _("Only prepaid plans have a minimum recharge."))
    if plan.kind == PlanKind.PREPAID:
        free = [p for p in products if not p.daily_cost or p.daily_cost <= 0]
        if free:
            _add(
                errors,
                "kind",
                _("A prepaid plan needs a daily cost on every product; missing on: %(names)s.")
                % {"names": ", ".join(sorted(str(p) for p in free))},
            )
    if len(set(plan.customer_types or [])) != len(plan.customer_types or []):
        _add(errors, "customer_types", _("Each customer type may be chosen only once."))
    if cities:
        city_ids = {c.pk for c in cities}
        outside = [z for z in zones if z.city_id not in city_ids]
        if outside:
            _add(
                errors,
                "zones",
                _("These zones are not in the plan's cities: %(names)s.")
                % {"names": ", ".join(sorted(str(z) for z in outside))},
            )
    _raise(errors)


def _plan_save(*, actor: Actor, plan: SalesPlan, data: dict[str, Any], creating: bool) -> SalesPlan:
    before = (
        {}
        if creating
        else {
            **_snapshot(plan, PLAN_FIELDS),
            "cities": _ids(plan.cities.all()),
            "zones": _ids(plan.zones.all()),
        }
    )
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    if plan.customer_types is None:
        plan.customer_types = []
    cities = (
        list(data["cities"]) if "cities" in data else list(plan.cities.all()) if plan.pk else []
    )
    zones = list(data["zones"]) if "zones" in data else list(plan.zones.all()) if plan.pk else []
    products = [i.product for i in plan.items.select_related("product")] if plan.pk else []
    errors: dict[str, list[str]] = {}
    try:
        plan.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _plan_rules(plan, cities=cities, zones=zones, products=products)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _raise(errors)
    plan.save()
    if "cities" in data or creating:
        plan.cities.set(cities)
    if "zones" in data or creating:
        plan.zones.set(zones)
    after = {**_snapshot(plan, PLAN_FIELDS), "cities": _ids(cities), "zones": _ids(zones)}
    changes = diff(before, after)
    if changes or creating:
        audit_record(
            actor=actor,
            action="plan.create" if creating else "plan.update",
            target=plan,
            changes=changes,
        )
    return plan


@transaction.atomic
def plan_create(*, actor: Actor, data: dict[str, Any]) -> SalesPlan:
    """Create a plan from ``data`` (PLAN_FIELDS, plus ``cities`` and ``zones`` as objects).
    Empty customer types, cities or zones mean "any"."""
    return _plan_save(actor=actor, plan=SalesPlan(), data=data, creating=True)


@transaction.atomic
def plan_update(*, actor: Actor, plan: SalesPlan, data: dict[str, Any]) -> SalesPlan:
    """Change the fields present in ``data``; the others keep their value."""
    row = SalesPlan.objects.select_for_update().get(pk=plan.pk)
    return _plan_save(actor=actor, plan=row, data=data, creating=False)


# --- products of a plan ------------------------------------------------------------------


def _merge_product_devices(*, plan: SalesPlan, product: Product) -> list[PlanDevice]:
    """Add the device models the product needs (catalog.ProductDevice) to the plan. A model the
    plan already has keeps the larger quantity: one ONT serves Internet and telephony."""
    touched = []
    existing = {d.device_model_id: d for d in plan.devices.all()}
    for need in ProductDevice.objects.filter(product=product).select_related("device_model"):
        device = existing.get(need.device_model_id)
        if device is None:
            device = PlanDevice(plan=plan, device_model=need.device_model, quantity=need.quantity)
        elif device.quantity >= need.quantity:
            continue
        else:
            device.quantity = need.quantity
        device.full_clean()
        device.save()
        touched.append(device)
    return touched


@transaction.atomic
def plan_item_add(
    *,
    actor: Actor,
    plan: SalesPlan,
    product: Product,
    price: Decimal | None = None,
    included: bool = True,
    with_devices: bool = True,
) -> PlanItem:
    """Add a product to the plan at ``price`` (None: the catalog's monthly price). Unless
    ``with_devices`` is False, the device models the product needs are added to the plan."""
    plan = SalesPlan.objects.select_for_update().get(pk=plan.pk)
    errors: dict[str, list[str]] = {}
    if PlanItem.objects.filter(plan=plan, product=product).exists():
        _add(errors, "product", _("This product is already in the plan."))
    if not product.is_active:
        _add(errors, "product", _("This product is inactive in the catalog."))
    if plan.kind == PlanKind.PREPAID and (not product.daily_cost or product.daily_cost <= 0):
        _add(errors, "product", _("A prepaid plan needs products with a daily cost."))
    item = PlanItem(plan=plan, product=product, price=price, included=included)
    try:
        item.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _raise(errors)
    item.save()
    devices = _merge_product_devices(plan=plan, product=product) if with_devices else []
    audit_record(
        actor=actor,
        action="plan.item_add",
        target=item,
        changes={
            "plan": [None, plan.pk],
            "product": [None, product.pk],
            "price": [None, price],
            "included": [None, included],
            "devices": [None, [f"{d.device_model_id}x{d.quantity}" for d in devices]],
        },
    )
    return item


@transaction.atomic
def plan_item_update(*, actor: Actor, item: PlanItem, data: dict[str, Any]) -> PlanItem:
    """Change an item's price (None: back to the catalog price) or whether it is included."""
    row = PlanItem.objects.select_for_update().select_related("product").get(pk=item.pk)
    before = _snapshot(row, ITEM_FIELDS)
    for name in ITEM_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean(validate_constraints=False)
    effective = row.effective_price
    too_big = [
        p.name
        for p in row.promotions.filter(discount_kind=DiscountKind.FIXED)
        if p.value > effective
    ]
    if too_big:
        raise ValidationError(
            {
                "price": _("These promotions give a fixed discount above the new price: %(names)s.")
                % {"names": ", ".join(sorted(too_big))}
            }
        )
    row.save()
    changes = diff(before, _snapshot(row, ITEM_FIELDS))
    if changes:
        audit_record(actor=actor, action="plan.item_update", target=row, changes=changes)
    return row


@transaction.atomic
def plan_item_remove(*, actor: Actor, item: PlanItem) -> None:
    """Remove a product from the plan, with its promotions, and the plan's devices that only
    this product needed. Refused while a subscription was sold with this item."""
    row = PlanItem.objects.select_for_update().select_related("plan", "product").get(pk=item.pk)
    if Subscription.objects.filter(plan_item=row).exists():
        raise ValidationError(
            {
                "item": _(
                    "%(product)s was sold with this plan: it cannot be removed. Make the plan "
                    "inactive or create a new one instead."
                )
                % {"product": row.product}
            }
        )
    plan = row.plan
    others = PlanItem.objects.filter(plan=plan).exclude(pk=row.pk).values("product_id")
    still_needed = set(
        ProductDevice.objects.filter(product_id__in=others).values_list(
            "device_model_id", flat=True
        )
    )
    only_this = (
        set(
            ProductDevice.objects.filter(product=row.product).values_list(
                "device_model_id", flat=True
            )
        )
        - still_needed
    )
    dropped = list(
        PlanDevice.objects.filter(plan=plan, device_model_id__in=only_this).values_list(
            "device_model_id", flat=True
        )
    )
    PlanDevice.objects.filter(plan=plan, device_model_id__in=only_this).delete()
    promotions = list(row.promotions.values_list("name", flat=True))
    audit_record(
        actor=actor,
        action="plan.item_remove",
        target=row,
        changes={
            "plan": [plan.pk, None],
            "product": [row.product_id, None],
            "promotions": [sorted(promotions), None],
            "devices": [sorted(dropped), None],
        },
    )
    row.delete()


# --- devices of a plan -------------------------------------------------------------------


@transaction.atomic
def plan_device_add(
    *, actor: Actor, plan: SalesPlan, device_model: DeviceModel, quantity: int = 1
) -> PlanDevice:
    """Add a device model the plan's installation needs."""
    plan = SalesPlan.objects.select_for_update().get(pk=plan.pk)
    errors: dict[str, list[str]] = {}
    if PlanDevice.objects.filter(plan=plan, device_model=device_model).exists():
        _add(errors, "device_model", _("This device model is already in the plan."))
    if not device_model.is_active:
        _add(errors, "device_model", _("This device model is inactive in the catalog."))
    device = PlanDevice(plan=plan, device_model=device_model, quantity=quantity)
    try:
        device.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _raise(errors)
    device.save()
    audit_record(
        actor=actor,
        action="plan.device_add",
        target=device,
        changes={
            "plan": [None, plan.pk],
            "device_model": [None, device_model.pk],
            "quantity": [None, quantity],
        },
    )
    return device


@transaction.atomic
def plan_device_update(*, actor: Actor, device: PlanDevice, quantity: int) -> PlanDevice:
    row = PlanDevice.objects.select_for_update().get(pk=device.pk)
    before = row.quantity
    row.quantity = quantity
    row.full_clean(validate_constraints=False)
    row.save()
    if before != row.quantity:
        audit_record(
            actor=actor,
            action="plan.device_update",
            target=row,
            changes={"quantity": [before, row.quantity]},
        )
    return row


@transaction.atomic
def plan_device_remove(*, actor: Actor, device: PlanDevice) -> None:
    row = PlanDevice.objects.select_for_update().get(pk=device.pk)
    audit_record(
        actor=actor,
        action="plan.device_remove",
        target=row,
        changes={
            "plan": [row.plan_id, None],
            "device_model": [row.device_model_id, None],
            "quantity": [row.quantity, None],
        },
    )
    row.delete()


# --- promotions --------------------------------------------------------------------------


def _promotion_rules(promotion: PlanPromotion, *, plan: SalesPlan) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    item = promotion.item
    if item is None or item.plan_id != plan.pk:
        _add(errors, "item", _("Choose a product of this plan."))
        return errors
    value = promotion.value
    if value is None:
        return errors
    if promotion.discount_kind == DiscountKind.PERCENT:
        if not (Decimal("0") < value <= HUNDRED):
            _add(errors, "value", _("A percentage must be above 0 and at most 100."))
    elif promotion.discount_kind == DiscountKind.FIXED:
        if value <= 0:
            _add(errors, "value", _("The discount must be above 0."))
        elif value > item.effective_price:
            _add(
                errors,
                "value",
                _("The discount cannot be above the product's price in the plan (%(price)s).")
                % {"price": item.effective_price},
            )
    return errors


def _promotion_save(*, promotion: PlanPromotion, plan: SalesPlan) -> None:
    errors: dict[str, list[str]] = {}
    try:
        promotion.full_clean(exclude=["plan", "item"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for field, messages in _promotion_rules(promotion, plan=plan).items():
        if field not in errors:
            errors[field] = messages
    _raise(errors)
    promotion.save()


@transaction.atomic
def plan_promotion_add(
    *,
    actor: Actor,
    plan: SalesPlan,
    item: PlanItem,
    name: str,
    discount_kind: str,
    value: Decimal,
    months: int,
) -> PlanPromotion:
    """A discount (percentage or fixed amount) on one product of the plan for ``months`` months
    from the activation; copied onto each subscription at the sale."""
    promotion = PlanPromotion(
        plan=plan, item=item, name=name, discount_kind=discount_kind, value=value, months=months
    )
    _promotion_save(promotion=promotion, plan=plan)
    audit_record(
        actor=actor,
        action="plan.promotion_add",
        target=promotion,
        changes=diff(
            {}, {"plan": plan.pk, "item": item.pk, **_snapshot(promotion, PROMOTION_FIELDS)}
        ),
    )
    return promotion


@transaction.atomic
def plan_promotion_update(
    *, actor: Actor, promotion: PlanPromotion, data: dict[str, Any]
) -> PlanPromotion:
    """Change a promotion (``item`` must stay a product of the same plan). Sold promotions are
    copies and keep their terms."""
    row = PlanPromotion.objects.select_for_update().select_related("plan").get(pk=promotion.pk)
    before = {"item": row.item_id, **_snapshot(row, PROMOTION_FIELDS)}
    for name in [*PROMOTION_FIELDS, "item"]:
        if name in data:
            setattr(row, name, data[name])
    _promotion_save(promotion=row, plan=row.plan)
    changes = diff(before, {"item": row.item_id, **_snapshot(row, PROMOTION_FIELDS)})
    if changes:
        audit_record(actor=actor, action="plan.promotion_update", target=row, changes=changes)
    return row


@transaction.atomic
def plan_promotion_remove(*, actor: Actor, promotion: PlanPromotion) -> None:
    row = PlanPromotion.objects.select_for_update().get(pk=promotion.pk)
    audit_record(
        actor=actor,
        action="plan.promotion_remove",
        target=row,
        changes=diff(
            {"plan": row.plan_id, "item": row.item_id, **_snapshot(row, PROMOTION_FIELDS)}, {}
        ),
    )
    row.delete()


# --- group plans -------------------------------------------------------------------------


def _group_items_check(*, plan: SalesPlan, items: list[PlanItem]) -> None:
    foreign = [i for i in items if i.plan_id != plan.pk]
    if foreign:
        raise ValidationError(
            {
                "group_items": _("These products are not in the plan: %(names)s.")
                % {"names": ", ".join(sorted(str(i.product) for i in foreign))}
            }
        )


@transaction.atomic
def group_plan_create(
    *, actor: Actor, group: Group, plan: SalesPlan, group_items: Iterable[PlanItem] = ()
) -> GroupPlan:
    """Offer ``plan`` to the members of ``group``; the group pays ``group_items`` (products of
    the plan), each member pays the others."""
    plan = SalesPlan.objects.select_for_update().get(pk=plan.pk)
    items = list(group_items)
    errors: dict[str, list[str]] = {}
    if GroupPlan.objects.filter(group=group, plan=plan).exists():
        _add(errors, "plan", _("This group already has this plan."))
    try:
        _group_items_check(plan=plan, items=items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise(errors)
    row = GroupPlan(group=group, plan=plan)
    row.full_clean(validate_constraints=False)
    row.save()
    row.group_items.set(items)
    audit_record(
        actor=actor,
        action="group_plan.create",
        target=row,
        changes={
            "group": [None, group.pk],
            "plan": [None, plan.pk],
            "group_items": [None, _ids(items)],
        },
    )
    return row


@transaction.atomic
def group_plan_update(
    *, actor: Actor, group_plan: GroupPlan, group_items: Iterable[PlanItem]
) -> GroupPlan:
    """Change which of the plan's products the group pays."""
    row = GroupPlan.objects.select_for_update().select_related("plan").get(pk=group_plan.pk)
    items = list(group_items)
    _group_items_check(plan=row.plan, items=items)
    before = _ids(row.group_items.all())
    row.group_items.set(items)
    if before != _ids(items):
        audit_record(
            actor=actor,
            action="group_plan.update",
            target=row,
            changes={"group_items": [before, _ids(items)]},
        )
    return row


@transaction.atomic
def group_plan_remove(*, actor: Actor, group_plan: GroupPlan) -> None:
    """Stop offering the plan to the group (products already sold keep who pays them)."""
    row = GroupPlan.objects.select_for_update().get(pk=group_plan.pk)
    audit_record(
        actor=actor,
        action="group_plan.remove",
        target=row,
        changes={
            "group": [row.group_id, None],
            "plan": [row.plan_id, None],
            "group_items": [_ids(row.group_items.all()), None],
        },
    )
    row.delete()
