"""Tax ids per country, pluggable: each country registers a validator (python-stdnum).

``validate_tax_id(country, kind, value)`` returns the compact form (digits only for Brazil) or
raises ValidationError with a message in the user's language. A country with no validator
registered accepts any 3-20 letters and digits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.ar import cuit
from stdnum.br import cnpj, cpf
from stdnum.cl import rut
from stdnum.co import nit
from stdnum.mx import rfc
from stdnum.pe import ruc
from stdnum.py import ruc as py_ruc
from stdnum.uy import rut as uy_rut


@dataclass(frozen=True)
class TaxIdScheme:
    person_label: str
    business_label: str
    person: Callable[[str], str]  # returns the compact form or raises stdnum's errors
    business: Callable[[str], str]


def _stdnum(module) -> Callable[[str], str]:
    def validate(value: str) -> str:
        return module.validate(value)

    return validate


SCHEMES: dict[str, TaxIdScheme] = {
    "BR": TaxIdScheme("CPF", "CNPJ", _stdnum(cpf), _stdnum(cnpj)),
    "AR": TaxIdScheme("CUIT", "CUIT", _stdnum(cuit), _stdnum(cuit)),
    "CL": TaxIdScheme("RUT", "RUT", _stdnum(rut), _stdnum(rut)),
    "CO": TaxIdScheme("NIT", "NIT", _stdnum(nit), _stdnum(nit)),
    "MX": TaxIdScheme("RFC", "RFC", _stdnum(rfc), _stdnum(rfc)),
    "PE": TaxIdScheme("RUC", "RUC", _stdnum(ruc), _stdnum(ruc)),
    "PY": TaxIdScheme("RUC", "RUC", _stdnum(py_ruc), _stdnum(py_ruc)),
    "UY": TaxIdScheme("RUT", "RUT", _stdnum(uy_rut), _stdnum(uy_rut)),
}


def register(country: str, scheme: TaxIdScheme) -> None:
    """Add or replace a country's validator (for an installation outside these countries)."""
    SCHEMES[country.upper()] = scheme


def tax_id_label(country: str, kind: str) -> str:
    scheme = SCHEMES.get(country)
    if scheme is None:
        return _("Tax id")
    return scheme.business_label if kind == "business" else scheme.person_label


def validate_tax_id(country: str, kind: str, value: str) -> str:
    """The compact, valid tax id, or ValidationError({"tax_id": ...})."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({"tax_id": _("The tax id is required.")}, code="required")
    scheme = SCHEMES.get((country or "").upper())
    if scheme is None:
        compact = "".join(c for c in value if c.isalnum()).upper()
        if not 3 <= len(compact) <= 20:
            raise ValidationError({"tax_id": _("Use 3 to 20 letters and digits.")}, code="invalid")
        return compact
    validator = scheme.business if kind == "business" else scheme.person
    label = scheme.business_label if kind == "business" else scheme.person_label
    try:
        return validator(value)
    except stdnum_exceptions.InvalidLength:
        message = _("This %(label)s has the wrong number of digits.")
    except stdnum_exceptions.InvalidChecksum:
        message = _("This %(label)s is not valid: its check digits do not match.")
    except stdnum_exceptions.ValidationError:
        message = _("This %(label)s is not valid.")
    raise ValidationError({"tax_id": message % {"label": label}}, code="invalid")
