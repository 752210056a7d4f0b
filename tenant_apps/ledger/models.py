"""The current account (C2): one per customer, one per group; an append-only ledger.

An entry's ``amount`` is signed: a debit (what the holder owes: invoices, fees) is positive, a
credit (payments, credit notes) negative; the balance is the sum of the entries. Posted entries
are never edited or deleted (a database trigger refuses it); a correction is a reversing entry.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import EntryKind


class Account(models.Model):
    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )
    group = models.OneToOneField(
        "customers.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, group__isnull=True)
                | Q(customer__isnull=True, group__isnull=False),
                name="ledger_account_one_holder",
            )
        ]
        verbose_name = _("current account")
        verbose_name_plural = _("current accounts")

    def __str__(self) -> str:
        return str(_("Account #%(id)s") % {"id": self.pk})


class Entry(models.Model):
    # Indexed by the (account, posted_at) index below, not by one of its own (a billing run
    # writes an entry per invoice: each index costs every one of them).
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Debit positive, credit negative."),
    )
    description = models.CharField(_("description"), max_length=200)
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # Unique by a constraint below, not ``unique=True`` (which adds a LIKE index nothing uses).
    idempotency_key = models.CharField(max_length=120)
    posted_by = models.CharField(_("posted by"), max_length=150)

    class Meta:
        ordering = ["account_id", "posted_at", "id"]
        indexes = [models.Index(fields=["account", "posted_at"], name="ledger_entry_account")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_entry_idempotency_key_unique"
            ),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
