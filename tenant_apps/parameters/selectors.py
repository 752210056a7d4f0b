"""The one way the rest of the code reads a company's parameters."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from .choices import CURRENCY_DECIMALS
from .models import CompanyParameters, DocumentSeries


@dataclass(frozen=True)
class Parameters:
    currency: str
    currency_decimals: int
    time_zone: str
    locale: str
    country: str
    billing_day: int
    billing_timing: str
    days_to_due: int
    grace_days: int
    prepaid_min_recharge: Decimal


def company_parameters() -> Parameters:
    """Parameters of the company whose schema is active. Refuses to run in the public schema."""
    if getattr(connection.tenant, "pk", None) is None:
        raise RuntimeError("company_parameters() needs a company schema")
    row = CompanyParameters.objects.first() or CompanyParameters()
    return Parameters(
        currency=row.currency,
        currency_decimals=CURRENCY_DECIMALS.get(row.currency, 2),
        time_zone=row.time_zone,
        locale=row.locale,
        country=row.country,
        billing_day=row.billing_day,
        billing_timing=row.billing_timing,
        days_to_due=row.days_to_due,
        grace_days=row.grace_days,
        prepaid_min_recharge=row.prepaid_min_recharge,
    )


def company_today(time_zone: str | None = None) -> dt.date:
    """Today in the company's time zone (``time_zone`` when the caller has it already): the
    date sale conditions, debt ages and promotion windows are counted on."""
    zone = zoneinfo.ZoneInfo(time_zone or company_parameters().time_zone)
    return timezone.now().astimezone(zone).date()


def document_series_list():
    return DocumentSeries.objects.all()
