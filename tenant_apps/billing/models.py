"""Billing (B1): tax rates, billing runs and their chunks, invoices with traceable lines,
one-off charges and credits, and credit notes.

Amounts are ``Decimal`` with two stored places, quantized to the currency's minor unit
(ROUND_HALF_UP, ``billing.rating.quantize``). An invoice is a document: once numbered its lines
and totals never change; cancelling it issues a credit note. Its ledger entry is the debit on
the payer's current account; ``open_amount`` is what collections has not yet settled (kept in
the same transaction as the allocation that changes it).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalog.choices import System
from tenant_apps.parameters.choices import BillingTiming

from .choices import (
    ChargeKind,
    ChargeSource,
    ChunkStatus,
    InvoiceKind,
    InvoiceStatus,
    LineKind,
    PayerKind,
    RunStatus,
    TaxMode,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
ONE_PAYER = Q(customer__isnull=False, group__isnull=True) | Q(
    customer__isnull=True, group__isnull=False
)


class TaxRate(models.Model):
    """A named tax rate of the company for one system (ICMS 25 % on TV, ISS 5 % on VOD...)."""

    system = models.CharField(_("system"), max_length=12, choices=System.choices)
    name = models.CharField(_("name"), max_length=40)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    mode = models.CharField(_("mode"), max_length=8, choices=TaxMode.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["system", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="billing_tax_rate_unique")
        ]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")

    def __str__(self) -> str:
        return f"{self.get_system_display()}: {self.name} {self.rate}%"


class CycleFigures(models.Model):
    """What a run and a preview of a cycle share: the cycle's dates and timing, the dates its
    invoices get, the progress over its chunks, then the figures and exceptions."""

    cycle_end = models.DateField(_("cycle end"), help_text=_("First day of the next cycle."))
    timing = models.CharField(_("timing"), max_length=8, choices=BillingTiming.choices)
    issued_on = models.DateField(_("issue date"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.CharField(_("requested by"), max_length=150)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    invoices_count = models.PositiveIntegerField(_("invoices"), default=0)
    total = models.DecimalField(_("total"), default=Decimal("0"), **MONEY)
    totals_by_system = models.JSONField(_("totals by system"), default=dict, blank=True)
    exceptions = models.JSONField(_("exceptions"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    @property
    def progress(self) -> int:
        """Percent of chunks done (0-100)."""
        if self.status == RunStatus.DONE:
            return 100
        if not self.chunks_total:
            return 0
        return min(99, self.chunks_done * 100 // self.chunks_total)


class BillingRun(CycleFigures):
    """The run of one cycle. One per cycle: starting it again resumes or returns it."""

    cycle_start = models.DateField(_("cycle start"), unique=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    terms = models.JSONField(
        _("terms applied"),
        null=True,
        blank=True,
        help_text=_(
            "The currency, language and tax rates as they were when the run started: every "
            "chunk bills with them, whatever changes meanwhile."
        ),
    )

    class Meta:
        ordering = ["-cycle_start"]
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")

    def __str__(self) -> str:
        return str(
            _("Cycle %(start)s – %(end)s")
            % {"start": self.cycle_start.isoformat(), "end": self.cycle_end.isoformat()}
        )


class BillingPreview(CycleFigures):
    """What a run of a cycle would bill, computed in the background (``billing.run_preview``,
    on the billing queue) chunk by chunk exactly as the run computes, writing nothing but this
    row: its progress while it computes, then the figures and exceptions."""

    cycle_start = models.DateField(_("cycle start"))

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["cycle_start", "status"], name="billing_preview_cycle")]
        verbose_name = _("billing preview")
        verbose_name_plural = _("billing previews")

    def __str__(self) -> str:
        return str(
            _("Preview of the cycle %(start)s – %(end)s")
            % {"start": self.cycle_start.isoformat(), "end": self.cycle_end.isoformat()}
        )


class BillingChunk(models.Model):
    """A slice of a run's payers (ids ``low_id`` to ``high_id`` inclusive, of one kind), billed
    in one transaction that also marks it done: a retried or repeated chunk bills nothing twice."""

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    payer_kind = models.CharField(max_length=8, choices=PayerKind.choices)
    low_id = models.BigIntegerField()
    high_id = models.BigIntegerField()
    status = models.CharField(
        max_length=8, choices=ChunkStatus.choices, default=ChunkStatus.PENDING
    )
    invoices_count = models.PositiveIntegerField(default=0)
    # The series number of the chunk's first invoice; its invoices have this one and the next
    # ``invoices_count - 1`` (taken when the chunk was billed; None: no invoice).
    first_number = models.PositiveBigIntegerField(null=True, blank=True)
    total = models.DecimalField(default=Decimal("0"), **MONEY)
    summary = models.JSONField(
        default=dict, blank=True, help_text="The chunk's figures and exceptions (engine.Summary)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="billing_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index}"


def invoice_pdf_path(invoice: "Invoice", filename: str) -> str:
    # The company's schema in the path: companies never share a file name.
    return f"{connection.schema_name}/invoices/{invoice.issued_on:%Y/%m}/{filename}"


class Invoice(models.Model):
    # Unique by a constraint below, not ``unique=True``: that also builds a second, pattern-ops
    # index (for LIKE) nothing uses, which every invoice a billing run writes would pay for.
    number = models.CharField(_("number"), max_length=30, null=True, blank=True)  # noqa: DJ001 (NULL until numbered: unique, so not "")
    kind = models.CharField(_("kind"), max_length=10, choices=InvoiceKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    # Indexed by the (customer, status), (group, status) and (run, status) indexes below: no
    # single-column index of their own (each index costs every invoice a billing run writes).
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        db_index=False,
    )
    group = models.ForeignKey(
        "customers.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        db_index=False,
    )
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    # Not a database constraint (see also the lines' references): every invoice of a run
    # points at the same run row, every line at a handful of products and plans, and the
    # foreign-key checks of two chunks committing side by side share-lock those same rows
    # (multixacts), which halved the run's speed. The ORM's PROTECT still guards deletes.
    run = models.ForeignKey(
        BillingRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        db_constraint=False,
        db_index=False,
    )
    cycle_start = models.DateField(_("cycle start"), null=True, blank=True)
    cycle_end = models.DateField(_("cycle end"), null=True, blank=True)
    issued_on = models.DateField(_("issue date"))
    due_on = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=5)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    added_tax = models.DecimalField(_("added taxes"), default=Decimal("0"), **MONEY)
    included_tax = models.DecimalField(_("included taxes"), default=Decimal("0"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    open_amount = models.DecimalField(_("open amount"), **MONEY)
    taxes = models.JSONField(_("taxes"), default=list, blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice"
    )
    pdf = models.FileField(_("PDF"), upload_to=invoice_pdf_path, blank=True, max_length=200)
    idempotency_key = models.CharField(max_length=120)  # unique: see the constraints
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [
            # Partial: a customer's invoice has no group and a group's no customer, so neither
            # index holds the other's rows.
            models.Index(
                fields=["customer", "status"],
                name="billing_invoice_customer",
                condition=Q(customer__isnull=False),
            ),
            models.Index(
                fields=["group", "status"],
                name="billing_invoice_group",
                condition=Q(group__isnull=False),
            ),
            models.Index(fields=["status", "due_on"], name="billing_invoice_due"),
            models.Index(fields=["run", "status"], name="billing_invoice_run"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="billing_invoice_number_unique"),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="billing_invoice_idempotency_key_unique"
            ),
            models.CheckConstraint(condition=ONE_PAYER, name="billing_invoice_one_payer"),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.DRAFT) | Q(number__isnull=False),
                name="billing_invoice_numbered",
            ),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice #%(id)s") % {"id": self.pk})

    @property
    def payer(self):
        return self.customer if self.customer_id else self.group


def trace_reference(to: str, **options) -> models.ForeignKey:
    """A line's reference to what it billed. Not a database constraint: a line is a document's
    record of what it billed, the rows it names are never deleted (PROTECT guards it in the
    ORM), and checking them share-locks (writes) every subscription and customer row on each
    billing run. The invoice itself keeps its constraints (payer, account, entry) and the line
    its invoice; a one-off charge is constrained to its invoice (``OneOffCharge.invoice``)."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        **options,
    )


class InvoiceLine(models.Model):
    """One line, traceable to what it bills: the member, subscription, product, plan, promotion
    or one-off charge, and the period (``period_end`` exclusive)."""

    # Indexed by the (invoice, position) unique constraint; the traceability references below
    # carry no index of their own (each index costs every line a run writes; reports read
    # lines through their invoices).
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200)
    # The traceability references (member, subscription, promotion, product, plan): see
    # ``trace_reference``. None is indexed: a final invoice's days are found through the
    # customer's invoices (engine._START), and pages read lines through their invoice.
    customer = trace_reference("customers.Customer", db_index=False)
    subscription = trace_reference("sales.Subscription", db_index=False)
    product = trace_reference("catalog.Product", db_index=False)
    plan = trace_reference("sales.SalesPlan", db_index=False)
    promotion = trace_reference("sales.SubscriptionPromotion", db_index=False)
    # A traceability reference too (the charge's own invoice, OneOffCharge.invoice, is the
    # constrained link); no index: a charge's lines are found through that invoice.
    charge = trace_reference("billing.OneOffCharge", db_index=False)
    system = models.CharField(_("system"), max_length=12, choices=System.choices, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until (exclusive)"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    cycle_days = models.PositiveSmallIntegerField(_("days in the cycle"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    added_tax = models.DecimalField(_("added taxes"), default=Decimal("0"), **MONEY)
    included_tax = models.DecimalField(_("included taxes"), default=Decimal("0"), **MONEY)
    taxes = models.JSONField(_("taxes"), default=list, blank=True)

    class Meta:
        ordering = ["invoice_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position")
        ]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class OneOffCharge(models.Model):
    """A one-off charge (positive: installation fee, device sale, penalty...) or credit
    (negative) for a customer or group, billed on its next invoice (``invoice`` set then)."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
    )
    group = models.ForeignKey(
        "customers.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="charges"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=ChargeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(
        _("amount"), help_text=_("Positive: a charge; negative: a credit."), **MONEY
    )
    system = models.CharField(_("system"), max_length=12, choices=System.choices, blank=True)
    source = models.CharField(_("origin"), max_length=14, choices=ChargeSource.choices)
    source_ref = models.CharField(_("origin reference"), max_length=60, blank=True)
    subscription = models.ForeignKey(
        "sales.Subscription", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="charges"
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["customer"],
                condition=Q(invoice__isnull=True, cancelled=False),
                name="billing_charge_unbilled_c",
            ),
            models.Index(
                fields=["group"],
                condition=Q(invoice__isnull=True, cancelled=False),
                name="billing_charge_unbilled_g",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=ONE_PAYER, name="billing_charge_one_payer"),
            models.CheckConstraint(condition=~Q(amount=0), name="billing_charge_not_zero"),
        ]
        verbose_name = _("one-off charge or credit")
        verbose_name_plural = _("one-off charges and credits")

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class CreditNote(models.Model):
    """Cancels an invoice whole: a credit of its total on the payer's account."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="credit_note", verbose_name=_("invoice")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    issued_on = models.DateField(_("issue date"))
    issued_by = models.CharField(_("issued by"), max_length=150)
    entry = models.OneToOneField(
        "ledger.Entry", on_delete=models.PROTECT, related_name="credit_note"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")

    def __str__(self) -> str:
        return self.number
