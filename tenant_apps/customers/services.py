"""Writing customers, their contacts, addresses, groups and contact records (audited).

Every change of a customer (its data, contacts, addresses, contact records) is audited with the
customer as target, so its history is ``AuditEvent.objects.filter(object_type="customers.customer",
object_id=str(pk))`` (indexed). Each write keeps ``search_name`` and ``search_text`` current.
The status is derived from the subscriptions (``customer_status_refresh``), never edited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record, diff

from .choices import ContactKind, CustomerKind
from .models import Address, Contact, ContactRecord, Customer, Group
from .normalize import address_line, contact_normalized, fold
from .normalize import search_text as build_search_text
from .status import derive_status
from .tax_ids import validate_tax_id

CUSTOMER_EDITABLE = [
    "kind",
    "name",
    "trade_name",
    "tax_id",
    "customer_type",
    "birth_date",
    "external_ref",
    "notes",
]
ADDRESS_EDITABLE = ["zone", "street", "number", "complement", "postal_code", "group", "is_active"]
GROUP_EDITABLE = ["name", "kind", "tax_id", "notes"]
CONTACT_FIELDS = ["kind", "value", "is_primary", "name"]


def _country() -> str:
    from tenant_apps.parameters.selectors import company_parameters

    return company_parameters().country


def _address_line(address: Address) -> str:
    return address_line(
        street=address.street,
        number=address.number,
        complement=address.complement,
        postal_code=address.postal_code,
        zone=address.zone.name,
        city=address.zone.city.name,
    )


def search_refresh(*, customer_id: int) -> None:
    """Recompute a customer's ``search_name`` and ``search_text`` from its rows."""
    customer = Customer.objects.get(pk=customer_id)
    contacts = list(
        Contact.objects.filter(customer_id=customer_id).values_list("normalized", flat=True)
    )
    addresses = [
        _address_line(a)
        for a in Address.objects.filter(customer_id=customer_id).select_related("zone__city")
    ]
    Customer.objects.filter(pk=customer_id).update(
        search_name=fold(customer.name)[:150],
        search_text=build_search_text(
            name=customer.name,
            trade_name=customer.trade_name,
            tax_id=customer.tax_id,
            code=customer.code,
            contacts=contacts,
            addresses=addresses,
        ),
    )


def _check_tax_id(*, kind: str, tax_id: str, exclude_pk: int | None = None) -> tuple[str, str]:
    country = _country()
    compact = validate_tax_id(country, kind, tax_id)
    others = Customer.objects.filter(tax_id_country=country, tax_id=compact)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            {"tax_id": _("A customer with this tax id already exists.")}, code="duplicate"
        )
    return country, compact


def _save_unique(obj, *, field: str, message: str) -> None:
    """Save; a unique violation (a concurrent duplicate) becomes a field error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({field: message}, code="duplicate") from exc


@transaction.atomic
def customer_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    tax_id: str,
    customer_type: str,
    trade_name: str = "",
    birth_date: date | None = None,
    external_ref: str = "",
    notes: str = "",
    contacts: list[dict[str, Any]] | None = None,
    address: dict[str, Any] | None = None,
) -> Customer:
    """Register a customer: validated tax id (unique in the company), the next customer number,
    optional first contacts and first address, and its current account."""
    from tenant_apps.ledger.services import account_open
    from tenant_apps.parameters.services import series_take

    if kind not in CustomerKind.values:
        raise ValidationError({"kind": _("Choose person or business.")}, code="invalid")
    country, compact = _check_tax_id(kind=kind, tax_id=tax_id)
    customer = Customer(
        kind=kind,
        name=(name or "").strip(),
        trade_name=(trade_name or "").strip(),
        tax_id=compact,
        tax_id_country=country,
        customer_type=customer_type,
        birth_date=birth_date,
        external_ref=external_ref or "",
        notes=notes or "",
    )
    customer.full_clean(exclude=["code"])
    customer.code = series_take(kind="customer")[0]
    customer.full_clean(validate_constraints=False)
    _save_unique(customer, field="tax_id", message=_("A customer with this tax id already exists."))
    account_open(customer=customer)
    audit_record(
        actor=actor,
        action="customers.create",
        target=customer,
        changes={f: getattr(customer, f) for f in ["code", *CUSTOMER_EDITABLE]},
    )
    for index, contact in enumerate(contacts or []):
        try:
            _contact_add(actor=actor, customer=customer, **_contact_args(contact))
        except ValidationError as exc:
            raise _prefixed(exc, f"contacts.{index}") from exc
    if address:
        try:
            _address_add(actor=actor, customer=customer, **address)
        except ValidationError as exc:
            raise _prefixed(exc, "address") from exc
    search_refresh(customer_id=customer.pk)
    customer.refresh_from_db()
    return customer


def _contact_args(contact: dict[str, Any]) -> dict[str, Any]:
    return {k: contact[k] for k in CONTACT_FIELDS if k in contact}


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {
                (prefix if field == "__all__" else f"{prefix}.{field}"): errors
                for field, errors in exc.error_dict.items()
            }
        )
    return ValidationError({prefix: exc.messages})


@transaction.atomic
def customer_update(*, actor: Actor, customer: Customer, data: dict[str, Any]) -> Customer:
    """Change a customer's data (not its number nor its status). A new tax id or kind is
    validated again."""
    row = Customer.objects.select_for_update().get(pk=customer.pk)
    before = model_to_dict(row, fields=CUSTOMER_EDITABLE)
    for name in CUSTOMER_EDITABLE:
        if name in data:
            value = data[name]
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    if row.kind != before["kind"] or row.tax_id != before["tax_id"]:
        if row.kind not in CustomerKind.values:
            raise ValidationError({"kind": _("Choose person or business.")}, code="invalid")
        row.tax_id_country, row.tax_id = _check_tax_id(
            kind=row.kind, tax_id=row.tax_id, exclude_pk=row.pk
        )
    row.full_clean(validate_constraints=False)
    _save_unique(row, field="tax_id", message=_("A customer with this tax id already exists."))
    changes = diff(before, model_to_dict(row, fields=CUSTOMER_EDITABLE))
    if changes:
        audit_record(actor=actor, action="customers.update", target=row, changes=changes)
        search_refresh(customer_id=row.pk)
        row.refresh_from_db()
    return row


def _validated_contact_value(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Choose phone, mobile or e-mail.")}, code="invalid")
    if kind == ContactKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValidationError(
                {"value": _("Enter a valid e-mail address.")}, code="invalid"
            ) from exc
        return value
    digit_count = len(contact_normalized(kind, value))
    if not 8 <= digit_count <= 15:
        raise ValidationError({"value": _("A phone number has 8 to 15 digits.")}, code="invalid")
    return value


def _contact_add(
    *,
    actor: Actor,
    customer: Customer,
    kind: str,
    value: str,
    is_primary: bool = False,
    name: str = "",
) -> Contact:
    value = _validated_contact_value(kind, value)
    normalized = contact_normalized(kind, value)
    if Contact.objects.filter(customer=customer, kind=kind, normalized=normalized).exists():
        raise ValidationError(
            {"value": _("The customer already has this contact.")}, code="duplicate"
        )
    contact = Contact(
        customer=customer,
        kind=kind,
        value=value,
        normalized=normalized,
        is_primary=bool(is_primary),
        name=(name or "").strip(),
    )
    contact.full_clean(validate_constraints=False)
    if contact.is_primary:
        Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
    _save_unique(contact, field="value", message=_("The customer already has this contact."))
    audit_record(
        actor=actor,
        action="customers.contact_add",
        target=customer,
        changes={"contact": contact.pk, "kind": kind, "value": value},
    )
    return contact


@transaction.atomic
def contact_add(
    *,
    actor: Actor,
    customer: Customer,
    kind: str,
    value: str,
    is_primary: bool = False,
    name: str = "",
) -> Contact:
    """Add a phone (kept as typed, searched by its digits) or a validated e-mail address."""
    contact = _contact_add(
        actor=actor, customer=customer, kind=kind, value=value, is_primary=is_primary, name=name
    )
    search_refresh(customer_id=customer.pk)
    return contact


@transaction.atomic
def contact_remove(*, actor: Actor, contact: Contact) -> None:
    customer = contact.customer
    audit_record(
        actor=actor,
        action="customers.contact_remove",
        target=customer,
        changes={"contact": contact.pk, "kind": contact.kind, "value": contact.value},
    )
    contact.delete()
    search_refresh(customer_id=customer.pk)


def _address_add(
    *,
    actor: Actor,
    customer: Customer,
    zone=None,
    street: str = "",
    number: str = "",
    complement: str = "",
    postal_code: str = "",
    group: Group | None = None,
) -> Address:
    if zone is None:
        raise ValidationError({"zone": _("Choose the zone of the address.")}, code="required")
    address = Address(
        customer=customer,
        zone=zone,
        street=(street or "").strip(),
        number=(number or "").strip(),
        complement=(complement or "").strip(),
        postal_code=(postal_code or "").strip(),
        group=group,
    )
    address.full_clean()
    address.save()
    audit_record(
        actor=actor,
        action="customers.address_add",
        target=customer,
        changes={
            "address": address.pk,
            "line": str(address),
            "zone": address.zone_id,
            "group": address.group_id,
        },
    )
    return address


@transaction.atomic
def address_add(
    *,
    actor: Actor,
    customer: Customer,
    zone=None,
    street: str = "",
    number: str = "",
    complement: str = "",
    postal_code: str = "",
    group: Group | None = None,
) -> Address:
    """Add an installation address (its zone is required; a group optional)."""
    address = _address_add(
        actor=actor,
        customer=customer,
        zone=zone,
        street=street,
        number=number,
        complement=complement,
        postal_code=postal_code,
        group=group,
    )
    search_refresh(customer_id=customer.pk)
    return address


@transaction.atomic
def address_update(*, actor: Actor, address: Address, data: dict[str, Any]) -> Address:
    row = Address.objects.select_for_update().get(pk=address.pk)
    before = model_to_dict(row, fields=ADDRESS_EDITABLE)
    for name in ADDRESS_EDITABLE:
        if name in data:
            value = data[name]
            if name == "zone" and value is None:
                raise ValidationError(
                    {"zone": _("Choose the zone of the address.")}, code="required"
                )
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.full_clean()
    row.save()
    changes = diff(before, model_to_dict(row, fields=ADDRESS_EDITABLE))
    if changes:
        audit_record(
            actor=actor,
            action="customers.address_update",
            target=row.customer,
            changes={"address": row.pk, **changes},
        )
        search_refresh(customer_id=row.customer_id)
    return row


def _group_tax_id(tax_id: str) -> str:
    tax_id = (tax_id or "").strip()
    if not tax_id:
        return ""
    return validate_tax_id(_country(), CustomerKind.BUSINESS, tax_id)


@transaction.atomic
def group_create(*, actor: Actor, name: str, kind: str, tax_id: str = "", notes: str = "") -> Group:
    """A group billed as one (S3), with its own current account."""
    from tenant_apps.ledger.services import account_open

    group = Group(
        name=(name or "").strip(), kind=kind, tax_id=_group_tax_id(tax_id), notes=notes or ""
    )
    group.full_clean()
    group.save()
    account_open(group=group)
    audit_record(
        actor=actor,
        action="customers.group_create",
        target=group,
        changes={f: getattr(group, f) for f in GROUP_EDITABLE},
    )
    return group


@transaction.atomic
def group_update(*, actor: Actor, group: Group, data: dict[str, Any]) -> Group:
    from tenant_apps.ledger.services import account_open

    row = Group.objects.select_for_update().get(pk=group.pk)
    before = model_to_dict(row, fields=GROUP_EDITABLE)
    for name in GROUP_EDITABLE:
        if name in data:
            value = data[name]
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    if row.tax_id != before["tax_id"]:
        row.tax_id = _group_tax_id(row.tax_id)
    row.full_clean()
    row.save()
    account_open(group=row)
    changes = diff(before, model_to_dict(row, fields=GROUP_EDITABLE))
    if changes:
        audit_record(actor=actor, action="customers.group_update", target=row, changes=changes)
    return row


@transaction.atomic
def contact_record_create(
    *,
    actor: Actor,
    customer: Customer,
    channel: str,
    reason: str,
    answer: str = "",
    actions: str = "",
) -> ContactRecord:
    """Record a contact of the customer (C3); the agent and branch come from the actor. A record
    is never edited afterwards."""
    record = ContactRecord(
        customer=customer,
        channel=channel,
        agent_user_id=actor.user_id,
        agent_label=actor.label[:150],
        branch_id=actor.branch_id,
        reason=(reason or "").strip(),
        answer=(answer or "").strip(),
        actions=(actions or "").strip(),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action="customers.contact_record",
        target=customer,
        changes={"record": record.pk, "channel": channel, "reason": record.reason},
    )
    return record


@transaction.atomic
def customer_status_refresh(*, customer_id: int) -> str:
    """Store the status derived from the customer's subscriptions; returns it. Sales services
    call it after every change of a subscription's status."""
    from tenant_apps.sales.models import Subscription

    statuses = Subscription.objects.filter(customer_id=customer_id).values_list("status", flat=True)
    status = derive_status(statuses)
    Customer.objects.filter(pk=customer_id).exclude(status=status).update(status=status)
    return status
