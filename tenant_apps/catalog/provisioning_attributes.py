"""Typed provisioning attributes per system: what the provisioning adapters will read.

Each system declares its attributes (name, type, bounds, required); a product's attributes are
stored as JSON and validated against its system's declaration, so an adapter can trust them.
Pure module: no ORM, request or settings access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import System

CODE_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


@dataclass(frozen=True)
class Attribute:
    name: str
    label: Promise
    kind: type  # int, str, bool or list (of codes)
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def clean(self, value: Any) -> Any:
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(gettext("Use true or false."))
            return value
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError(gettext("Use a whole number."))
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValueError(gettext("Use a whole number.")) from None
            if self.minimum is not None and number < self.minimum:
                raise ValueError(
                    gettext("Use a number of at least %(min)s.") % {"min": self.minimum}
                )
            if self.maximum is not None and number > self.maximum:
                raise ValueError(
                    gettext("Use a number of at most %(max)s.") % {"max": self.maximum}
                )
            return number
        if self.kind is list:
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list):
                raise ValueError(gettext("Use a list of codes."))
            codes = [str(v).strip() for v in items if str(v).strip()]
            bad = [c for c in codes if not CODE_RE.match(c)]
            if bad:
                raise ValueError(
                    gettext("Invalid codes: %(codes)s (letters, digits, _ . : - only).")
                    % {"codes": ", ".join(bad)}
                )
            if self.required and not codes:
                raise ValueError(gettext("Give at least one code."))
            return codes
        text = str(value).strip()
        if self.choices and text not in self.choices:
            raise ValueError(
                gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(self.choices)}
            )
        if not self.choices and not CODE_RE.match(text):
            raise ValueError(gettext("Use letters, digits, _ . : - only (up to 40)."))
        return text


SPECS: dict[str, tuple[Attribute, ...]] = {
    System.INTERNET: (
        Attribute("speed_profile", _("speed profile"), str, required=True),
        Attribute("download_kbps", _("download (kbit/s)"), int, True, 64, 100_000_000),
        Attribute("upload_kbps", _("upload (kbit/s)"), int, True, 64, 100_000_000),
        Attribute("static_ip", _("static IP address"), bool),
    ),
    System.TV: (
        Attribute("cas_packages", _("CAS package codes"), list, required=True),
        Attribute("max_devices", _("maximum devices"), int, False, 1, 16),
    ),
    System.TELEPHONY: (
        Attribute("lines", _("lines"), int, True, 1, 30),
        Attribute("calling_plan", _("calling plan"), str, required=True),
    ),
    System.VOD: (
        Attribute("catalogue_tier", _("VOD catalogue tier"), str, required=True),
        Attribute("concurrent_streams", _("concurrent streams"), int, False, 1, 10),
    ),
}


def attributes_for(system: str) -> tuple[Attribute, ...]:
    return SPECS.get(system, ())


def clean_attributes(system: str, data: Any) -> dict[str, Any]:
    """The attributes validated and typed for ``system``; ValidationError names each field."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise ValidationError(
            {"provisioning": gettext("Provisioning attributes must be an object.")}
        )
    spec = {a.name: a for a in attributes_for(system)}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(spec))
    if unknown:
        errors["provisioning"] = [
            gettext("Unknown attributes for this system: %(names)s.")
            % {"names": ", ".join(unknown)}
        ]
    cleaned: dict[str, Any] = {}
    for name, attribute in spec.items():
        value = data.get(name)
        if value in (None, "", []):
            if attribute.required:
                errors[f"provisioning.{name}"] = [
                    gettext("“%(label)s” is required.") % {"label": attribute.label}
                ]
            continue
        try:
            cleaned[name] = attribute.clean(value)
        except ValueError as exc:
            errors[f"provisioning.{name}"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return cleaned
