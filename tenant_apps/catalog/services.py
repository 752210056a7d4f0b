"""Writing the product catalog: device models and products (audited, field-level errors)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record, diff

from .models import DeviceModel, Product, ProductDevice
from .provisioning_attributes import clean_attributes

DEVICE_MODEL_FIELDS = ["code", "kind", "vendor", "model", "serialised", "is_active"]
PRODUCT_FIELDS = [
    "code",
    "name",
    "system",
    "role",
    "technology",
    "monthly_price",
    "daily_cost",
    "provisioning",
    "is_active",
]
MONEY_FIELDS = ("monthly_price", "daily_cost")
MAX_DEVICE_QUANTITY = 99


# --- device models -------------------------------------------------------------------------


@transaction.atomic
def device_model_create(*, actor: Actor, data: dict[str, Any]) -> DeviceModel:
    """A new device model (kind, vendor, model, serialised or not)."""
    row = DeviceModel()
    for name in DEVICE_MODEL_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="device_model.create",
        target=row,
        changes=diff({}, model_to_dict(row, fields=DEVICE_MODEL_FIELDS)),
    )
    return row


@transaction.atomic
def device_model_update(
    *, actor: Actor, device_model: DeviceModel, data: dict[str, Any]
) -> DeviceModel:
    """Change a device model; ``is_active=False`` withdraws it from new products."""
    row = DeviceModel.objects.select_for_update().get(pk=device_model.pk)
    before = model_to_dict(row, fields=DEVICE_MODEL_FIELDS)
    for name in DEVICE_MODEL_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean()
    row.save()
    changes = diff(before, model_to_dict(row, fields=DEVICE_MODEL_FIELDS))
    if changes:
        audit_record(actor=actor, action="device_model.update", target=row, changes=changes)
    return row


@transaction.atomic
def device_model_retire(*, actor: Actor, device_model: DeviceModel) -> DeviceModel | None:
    """Delete a device model nobody uses; one that a product (or anything else) still refers
    to is deactivated instead. Returns the deactivated row, or None when it was deleted."""
    row = DeviceModel.objects.select_for_update().get(pk=device_model.pk)
    return _delete_or_deactivate(actor=actor, row=row, action="device_model")


# --- products ------------------------------------------------------------------------------


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Any:
    """Decimal from a Decimal, int or string; floats are refused (money is never a float)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        errors[field] = [_("Give the amount as a decimal number (e.g. “99.90”).")]
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return value


def _device_lines(lines: Any, errors: dict[str, list[str]]) -> list[tuple[DeviceModel, int]]:
    """The device models a product needs, from ``[{"device_model": DeviceModel | pk,
    "quantity": n}]``; unknown or inactive models, repeats and bad quantities are errors."""
    if lines is None:
        return []
    if not isinstance(lines, list | tuple):
        errors["devices"] = [_("Give a list of device models with their quantities.")]
        return []
    ids = []
    for line in lines:
        model = line.get("device_model") if isinstance(line, dict) else None
        ids.append(model.pk if isinstance(model, DeviceModel) else model)
    known = {m.pk: m for m in DeviceModel.objects.filter(pk__in=[i for i in ids if i])}
    messages: list[str] = []
    result: list[tuple[DeviceModel, int]] = []
    seen: set[int] = set()
    for pk, line in zip(ids, lines, strict=True):
        model = known.get(pk) if isinstance(pk, int) else None
        if model is None:
            messages.append(_("Unknown device model: %(id)s.") % {"id": pk})
            continue
        quantity = line.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            messages.append(_("Quantity of %(model)s: use a whole number.") % {"model": model})
            continue
        if not 1 <= quantity <= MAX_DEVICE_QUANTITY:
            messages.append(
                _("Quantity of %(model)s: use 1 to %(max)s.")
                % {"model": model, "max": MAX_DEVICE_QUANTITY}
            )
            continue
        if model.pk in seen:
            messages.append(_("%(model)s is listed twice.") % {"model": model})
            continue
        seen.add(model.pk)
        result.append((model, quantity))
    if messages:
        errors["devices"] = messages
    return result


def _devices_snapshot(product: Product) -> list[str]:
    return sorted(
        f"{d.device_model.code}×{d.quantity}"
        for d in product.devices.select_related("device_model")
    )


def _product_apply(
    row: Product, data: dict[str, Any], *, creating: bool, current_devices: set[int]
) -> list[tuple[DeviceModel, int]] | None:
    """Set the fields of ``row`` from ``data`` and validate everything; raises one
    ValidationError with every field's messages. Returns the new device lines (None: keep)."""
    errors: dict[str, list[str]] = {}
    for name in PRODUCT_FIELDS:
        if name not in data or name == "provisioning":
            continue
        value = data[name]
        if name in MONEY_FIELDS:
            value = _money(value, name, errors)
        setattr(row, name, value)
    raw_attributes = data.get("provisioning", row.provisioning if not creating else {})
    try:
        row.provisioning = clean_attributes(row.system, raw_attributes)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    lines = None
    if "devices" in data:
        lines = _device_lines(data["devices"], errors)
        inactive = [m for m, _q in lines if not m.is_active and m.pk not in current_devices]
        if inactive:
            errors.setdefault("devices", []).extend(
                _("%(model)s is inactive: it cannot be added to a product.") % {"model": m}
                for m in inactive
            )
    try:
        row.full_clean(exclude=[f for f in errors if "." not in f])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field == "provisioning" and "provisioning" in errors:
                continue
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return lines


def _set_devices(product: Product, lines: list[tuple[DeviceModel, int]]) -> None:
    product.devices.all().delete()
    ProductDevice.objects.bulk_create(
        [ProductDevice(product=product, device_model=m, quantity=q) for m, q in lines]
    )


@transaction.atomic
def product_create(*, actor: Actor, data: dict[str, Any]) -> Product:
    """A new product. ``data``: code, name, system, role, technology, monthly_price (2 places),
    daily_cost (4 places), provisioning (the system's attributes), devices
    (``[{"device_model": DeviceModel | id, "quantity": n}]``)."""
    row = Product()
    lines = _product_apply(row, data, creating=True, current_devices=set()) or []
    row.save()
    _set_devices(row, lines)
    after = model_to_dict(row, fields=PRODUCT_FIELDS)
    after["devices"] = _devices_snapshot(row)
    audit_record(actor=actor, action="product.create", target=row, changes=diff({}, after))
    return row


@transaction.atomic
def product_update(*, actor: Actor, product: Product, data: dict[str, Any]) -> Product:
    """Change a product. Only the keys given change; ``devices`` replaces the whole list;
    ``provisioning`` is validated again against the (possibly new) system."""
    row = Product.objects.select_for_update().get(pk=product.pk)
    before = model_to_dict(row, fields=PRODUCT_FIELDS)
    before["devices"] = _devices_snapshot(row)
    current = set(row.devices.values_list("device_model_id", flat=True))
    lines = _product_apply(row, data, creating=False, current_devices=current)
    row.save()
    if lines is not None:
        _set_devices(row, lines)
    after = model_to_dict(row, fields=PRODUCT_FIELDS)
    after["devices"] = _devices_snapshot(row)
    changes = diff(before, after)
    if changes:
        audit_record(actor=actor, action="product.update", target=row, changes=changes)
    return row


@transaction.atomic
def product_retire(*, actor: Actor, product: Product) -> Product | None:
    """Delete a product that was never sold nor put in a plan; one still referred to is
    deactivated instead (kept for its subscriptions and history). None when deleted."""
    row = Product.objects.select_for_update().get(pk=product.pk)
    return _delete_or_deactivate(actor=actor, row=row, action="product")


def _delete_or_deactivate(*, actor: Actor, row, action: str):
    snapshot = str(row)
    pk = row.pk
    try:
        with transaction.atomic():
            row.delete()
    except (ProtectedError, RestrictedError):
        row.refresh_from_db()
        if row.is_active:
            row.is_active = False
            row.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action=f"{action}.deactivate",
                target=row,
                changes={"is_active": [True, False]},
            )
        return row
    audit_record(
        actor=actor,
        action=f"{action}.delete",
        object_type=row._meta.label_lower,
        changes={"id": [pk, None], "name": [snapshot, None]},
    )
    return None
