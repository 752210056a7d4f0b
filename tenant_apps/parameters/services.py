"""Writing company parameters and numbering series (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record, diff
from shared_apps.web.events import publish

from .choices import SeriesKind
from .models import CompanyParameters, DocumentSeries

EDITABLE = [
    "currency",
    "time_zone",
    "locale",
    "country",
    "billing_day",
    "billing_timing",
    "days_to_due",
    "grace_days",
    "prepaid_min_recharge",
]

DEFAULT_SERIES = {
    SeriesKind.INVOICE: "FAT-",
    SeriesKind.CREDIT_NOTE: "NC-",
    SeriesKind.RECEIPT: "REC-",
    SeriesKind.SERVICE_ORDER: "OS-",
    SeriesKind.CONTRACT: "CT-",
    SeriesKind.CUSTOMER: "",
}


def parameters_seed(**initial: Any) -> CompanyParameters:
    """Create the parameters row and the numbering series of a new company (idempotent)."""
    row, _created = CompanyParameters.objects.get_or_create(singleton=True, defaults=initial)
    for kind, prefix in DEFAULT_SERIES.items():
        DocumentSeries.objects.get_or_create(kind=kind, defaults={"prefix": prefix})
    return row


@transaction.atomic
def parameters_update(*, actor: Actor, data: dict[str, Any]) -> CompanyParameters:
    row = CompanyParameters.objects.select_for_update().filter(singleton=True).first()
    if row is None:
        row = parameters_seed()
    before = model_to_dict(row, fields=EDITABLE)
    for name in EDITABLE:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean()
    row.save()
    changes = diff(before, model_to_dict(row, fields=EDITABLE))
    if changes:
        audit_record(actor=actor, action="parameters.update", target=row, changes=changes)
        with translation.override(row.locale):
            publish(
                "parameters.updated",
                {
                    "by": actor.label,
                    "fields": sorted(changes),
                    "message": _("%(who)s changed the company parameters.") % {"who": actor.label},
                },
            )
    return row


@transaction.atomic
def series_update(*, actor: Actor, series: DocumentSeries, data: dict[str, Any]) -> DocumentSeries:
    row = DocumentSeries.objects.select_for_update().get(pk=series.pk)
    before = model_to_dict(row, fields=["prefix", "next_number", "padding"])
    for name in ("prefix", "next_number", "padding"):
        if name in data:
            setattr(row, name, data[name])
    row.full_clean()
    if row.next_number < before["next_number"]:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(
            {
                "next_number": _(
                    "The next number cannot go back: numbers already issued would repeat."
                )
            }
        )
    row.save()
    changes = diff(before, model_to_dict(row, fields=["prefix", "next_number", "padding"]))
    if changes:
        audit_record(actor=actor, action="series.update", target=row, changes=changes)
    return row


def series_reserve(*, kind: str, count: int) -> tuple[DocumentSeries, int]:
    """Take the next ``count`` numbers of a series, without gaps: the series and the first
    number taken. The row is locked until the caller's transaction ends, so a rolled-back
    caller gives its numbers back (and a concurrent caller waits for it)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        row = DocumentSeries.objects.select_for_update().filter(kind=kind).first()
        if row is None:
            parameters_seed()
            row = DocumentSeries.objects.select_for_update().get(kind=kind)
        first = row.next_number
        row.next_number = first + count
        row.save(update_fields=["next_number"])
    return row, first


def series_take(*, kind: str, count: int = 1) -> list[str]:
    """Issue the next ``count`` numbers of a series, formatted (see ``series_reserve``)."""
    row, first = series_reserve(kind=kind, count=count)
    return [row.format(n) for n in range(first, first + count)]
