"""A prepaid customer's balance: one wallet per customer, an append-only list of entries
(recharges positive, daily charges and transfers negative). ``balance`` is kept equal to the sum
of the entries in the same statement that posts one (the daily job is set-based), and
``active`` says whether the prepaid services are on (off after a midnight the balance did not
cover, until a recharge reaches the plan's minimum)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import WalletEntryKind

MONEY = {"max_digits": 14, "decimal_places": 2}


class Wallet(models.Model):
    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="wallet"
    )
    balance = models.DecimalField(_("prepaid balance"), default=Decimal("0"), **MONEY)
    active = models.BooleanField(_("services on"), default=True)
    last_charged_on = models.DateField(_("last day charged"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("prepaid balance")
        verbose_name_plural = _("prepaid balances")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.balance}"


class WalletEntry(models.Model):
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=WalletEntryKind.choices)
    amount = models.DecimalField(
        _("amount"), help_text=_("Positive: adds to the balance."), **MONEY
    )
    day = models.DateField(_("day"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        "collections.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    posted_by = models.CharField(_("posted by"), max_length=150)

    class Meta:
        ordering = ["wallet_id", "posted_at", "id"]
        indexes = [models.Index(fields=["wallet", "posted_at"], name="prepaid_entry_wallet")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="prepaid_entry_not_zero")
        ]
        verbose_name = _("prepaid entry")
        verbose_name_plural = _("prepaid entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
