"""Per-company parameters (P5). One row per company schema; read through selectors."""

import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BillingTiming, Currency, Locale, SeriesKind


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone."),
            params={"value": value},
            code="invalid_time_zone",
        )


class CompanyParameters(models.Model):
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.BRL
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/Sao_Paulo", validators=[validate_time_zone]
    )
    locale = models.CharField(
        _("language"), max_length=8, choices=Locale.choices, default=Locale.PT_BR
    )
    country = models.CharField(
        _("country (ISO 3166)"),
        max_length=2,
        default="BR",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter country code."))],
    )
    billing_day = models.PositiveSmallIntegerField(
        _("billing day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the month on which each billing cycle starts (1 to 28)."),
    )
    billing_timing = models.CharField(
        _("recurring charges billed"),
        max_length=8,
        choices=BillingTiming.choices,
        default=BillingTiming.ARREARS,
    )
    days_to_due = models.PositiveSmallIntegerField(
        _("days to due date"), default=10, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace days before suspension"),
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(180)],
    )
    prepaid_min_recharge = models.DecimalField(
        _("prepaid minimum recharge"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company parameters")
        verbose_name_plural = _("company parameters")

    def __str__(self) -> str:
        return str(_("Company parameters"))


class DocumentSeries(models.Model):
    """A numbering series (invoices, receipts...): prefix and the next number to issue."""

    kind = models.CharField(_("document"), max_length=20, choices=SeriesKind.choices, unique=True)
    prefix = models.CharField(
        _("prefix"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z0-9/-]*$", _("Use upper-case letters, digits, / or - only."))
        ],
    )
    next_number = models.PositiveBigIntegerField(
        _("next number"), default=1, validators=[MinValueValidator(1)]
    )
    padding = models.PositiveSmallIntegerField(
        _("digits"), default=6, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("document series")
        verbose_name_plural = _("document series")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.format(self.next_number)}"

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.padding}d}"

    @property
    def next_document(self) -> str:
        return self.format(self.next_number)
