"""Collections (B2) and dunning: payments with their origin and branch, their allocation to
invoices (append-only: a reversal adds negative rows), bank return imports with a line per
record, and the dunning events that say why a customer's services were suspended or resumed."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    DunningKind,
    PaymentOrigin,
    PaymentStatus,
    ReturnLayout,
    ReturnOutcome,
    ReturnStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
ONE_PAYER = Q(customer__isnull=False, group__isnull=True) | Q(
    customer__isnull=True, group__isnull=False
)


class BankReturn(models.Model):
    """One bank return file and what came of each of its records. Uploaded, it is imported in
    the background (``billing.bank_return_import``) in slices of records, each slice in one
    transaction with its lines and ``records_done``: a retried import goes on from there."""

    file_name = models.CharField(_("file name"), max_length=200)
    layout = models.CharField(_("layout"), max_length=8, choices=ReturnLayout.choices)
    sha256 = models.CharField(max_length=64, db_index=True)
    data = models.BinaryField(_("file"), default=b"", editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ReturnStatus.choices, default=ReturnStatus.QUEUED
    )
    # Who uploaded it, from which branch: the payments of the file are theirs.
    uploaded_by = models.CharField(_("uploaded by"), max_length=150)
    uploaded_by_user_id = models.BigIntegerField(null=True, blank=True)
    branch_id = models.BigIntegerField(null=True, blank=True)
    branch_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    records_done = models.PositiveIntegerField(_("records imported"), default=0)
    records = models.PositiveIntegerField(_("records"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    already = models.PositiveIntegerField(_("already imported"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    total = models.DecimalField(_("amount posted"), default=Decimal("0"), **MONEY)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bank return file")
        verbose_name_plural = _("bank return files")

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (ReturnStatus.DONE, ReturnStatus.FAILED)

    @property
    def progress(self) -> int:
        """Percent of the records imported (0-100)."""
        if self.status == ReturnStatus.DONE:
            return 100
        if not self.records:
            return 0
        return min(99, self.records_done * 100 // self.records)


class Payment(models.Model):
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    group = models.ForeignKey(
        "customers.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    origin = models.CharField(_("origin"), max_length=14, choices=PaymentOrigin.choices)
    branch_id = models.BigIntegerField(_("branch"), null=True, blank=True)
    branch_label = models.CharField(_("branch"), max_length=150, blank=True)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.POSTED
    )
    entry = models.OneToOneField("ledger.Entry", on_delete=models.PROTECT, related_name="payment")
    reversal_entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_payment",
    )
    reversal_reason = models.CharField(_("reversal reason"), max_length=200, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.CharField(_("reversed by"), max_length=150, blank=True)
    bank_return = models.ForeignKey(
        BankReturn, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    received_by = models.CharField(_("received by"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["received_on"], name="collections_payment_day"),
            models.Index(fields=["customer", "received_on"], name="collections_payment_cust"),
        ]
        constraints = [
            models.CheckConstraint(condition=ONE_PAYER, name="collections_payment_one_payer")
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.get_origin_display()} {self.amount}"


class Allocation(models.Model):
    """What a payment settled on an invoice. Append-only: a reversal adds the opposite row."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reversal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["payment_id", "id"]
        indexes = [models.Index(fields=["invoice"], name="collections_alloc_invoice")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="collections_alloc_not_zero")
        ]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.invoice_id}: {self.amount}"


class BankReturnLine(models.Model):
    bank_return = models.ForeignKey(BankReturn, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReturnOutcome.choices)
    record_key = models.CharField(max_length=120, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=30, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        ordering = ["bank_return_id", "line_no"]
        verbose_name = _("bank return line")
        verbose_name_plural = _("bank return lines")

    def __str__(self) -> str:
        return f"{self.bank_return_id}:{self.line_no} {self.outcome}"


class DunningEvent(models.Model):
    """Why a customer's services were suspended or resumed (shown to customer and agents)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="dunning_events"
    )
    kind = models.CharField(_("event"), max_length=10, choices=DunningKind.choices)
    on = models.DateField(_("on"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    overdue = models.DecimalField(_("overdue debt"), **MONEY)
    oldest_due_on = models.DateField(_("oldest due date"), null=True, blank=True)
    days_overdue = models.PositiveIntegerField(_("days overdue"), default=0)
    invoices = models.JSONField(_("invoices"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "at"], name="collections_dunning_cust")]
        verbose_name = _("dunning event")
        verbose_name_plural = _("dunning events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
