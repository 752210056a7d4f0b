"""Writing cities and zones, and the technologies each zone covers (audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record, diff
from tenant_apps.catalog.choices import Technology

from .models import City, Zone

CITY_FIELDS = ["name", "state", "code"]
ZONE_FIELDS = ["city", "name", "technologies"]


def _technologies(value: Any) -> list[str]:
    """The technologies, known ones only, without repeats, in the order of their choices."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError({"technologies": _("Give a list of technologies.")})
    given = {str(v) for v in value}
    unknown = sorted(given - set(Technology.values))
    if unknown:
        raise ValidationError(
            {"technologies": _("Unknown technologies: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return [t for t in Technology.values if t in given]


def _city_clean(row: City) -> None:
    if isinstance(row.name, str):
        row.name = " ".join(row.name.split())
    if isinstance(row.state, str):
        row.state = row.state.strip().upper()
    row.full_clean(validate_constraints=False)
    if City.objects.filter(name__iexact=row.name, state=row.state).exclude(pk=row.pk).exists():
        raise ValidationError(
            {"name": _("%(city)s is already registered.") % {"city": f"{row.name}/{row.state}"}}
        )


def _zone_clean(row: Zone) -> None:
    if isinstance(row.name, str):
        row.name = " ".join(row.name.split())
    row.full_clean(validate_constraints=False)
    if Zone.objects.filter(city_id=row.city_id, name__iexact=row.name).exclude(pk=row.pk).exists():
        raise ValidationError(
            {"name": _("%(city)s already has a zone with this name.") % {"city": row.city}}
        )


@transaction.atomic
def city_create(*, actor: Actor, data: dict[str, Any]) -> City:
    row = City(**{k: data[k] for k in CITY_FIELDS if k in data})
    _city_clean(row)
    row.save()
    audit_record(
        actor=actor,
        action="city.create",
        target=row,
        changes=diff({}, model_to_dict(row, fields=CITY_FIELDS)),
    )
    return row


@transaction.atomic
def city_update(*, actor: Actor, city: City, data: dict[str, Any]) -> City:
    row = City.objects.select_for_update().get(pk=city.pk)
    before = model_to_dict(row, fields=CITY_FIELDS)
    for name in CITY_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    _city_clean(row)
    row.save()
    changes = diff(before, model_to_dict(row, fields=CITY_FIELDS))
    if changes:
        audit_record(actor=actor, action="city.update", target=row, changes=changes)
    return row


@transaction.atomic
def zone_create(*, actor: Actor, data: dict[str, Any]) -> Zone:
    """A zone of a city; ``technologies`` lists the access technologies it covers."""
    row = Zone(
        city=data.get("city"),
        name=data.get("name", ""),
        technologies=_technologies(data.get("technologies")),
    )
    if row.city_id is None:
        raise ValidationError({"city": _("Choose the city of the zone.")})
    _zone_clean(row)
    row.save()
    audit_record(
        actor=actor,
        action="zone.create",
        target=row,
        changes=diff({}, model_to_dict(row, fields=ZONE_FIELDS)),
    )
    return row


@transaction.atomic
def zone_update(*, actor: Actor, zone: Zone, data: dict[str, Any]) -> Zone:
    """Rename a zone, move it to another city or change the technologies it covers."""
    row = Zone.objects.select_for_update().get(pk=zone.pk)
    before = model_to_dict(row, fields=ZONE_FIELDS)
    if "technologies" in data:
        row.technologies = _technologies(data["technologies"])
    if "name" in data:
        row.name = data["name"]
    if "city" in data:
        if data["city"] is None:
            raise ValidationError({"city": _("Choose the city of the zone.")})
        row.city = data["city"]
    _zone_clean(row)
    row.save()
    changes = diff(before, model_to_dict(row, fields=ZONE_FIELDS))
    if changes:
        audit_record(actor=actor, action="zone.update", target=row, changes=changes)
    return row
