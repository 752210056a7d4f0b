"""Tax rates: created, edited, refused when a name repeats in a system, deactivated."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from tenant_apps.billing.services import tax_rate_create, tax_rate_deactivate, tax_rate_update
from tenant_apps.catalog.choices import System

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
D = Decimal


def test_tax_rates_create_update_deactivate(in_a1):
    """A rate is created, edited (audited), refused with a field error when its name repeats
    in the system, and deactivated: the tax table no longer applies it."""
    from tenant_apps.billing.selectors import tax_table

    rate = tax_rate_create(
        actor=ACTOR, data={"system": System.VOD, "name": "ISS", "rate": D("5"), "mode": "added"}
    )
    assert tax_table()[System.VOD][0].rate == D("5")
    with pytest.raises(ValidationError) as exc:
        tax_rate_create(
            actor=ACTOR,
            data={"system": System.VOD, "name": "iss", "rate": D("2"), "mode": "added"},
        )
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        tax_rate_update(actor=ACTOR, tax_rate=rate, data={"rate": D("120")})
    assert "rate" in exc.value.message_dict
    tax_rate_update(actor=ACTOR, tax_rate=rate, data={"rate": D("2.5")})
    assert tax_table()[System.VOD][0].rate == D("2.5")
    tax_rate_deactivate(actor=ACTOR, tax_rate=rate)
    assert System.VOD not in tax_table()
