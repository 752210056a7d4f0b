"""Reading billing: the company's tax table, unbilled charges, invoices, a subscription's
rating facts."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from . import rating
from .choices import InvoiceStatus
from .models import (
    BillingPreview,
    BillingRun,
    CreditNote,
    Invoice,
    InvoiceLine,
    OneOffCharge,
    TaxRate,
)
from .taxes import TaxRate as RuleRate
from .taxes import TaxTable


def number_variants(typed: str) -> list[str]:
    """The invoice numbers a typed number may be, whatever its letter case: as typed, in upper
    case, and with the invoice series' own prefix. An equality look-up on the unique index
    (``number__iexact`` would read every invoice)."""
    from tenant_apps.parameters.choices import SeriesKind
    from tenant_apps.parameters.models import DocumentSeries

    typed = typed.strip()
    variants = {typed, typed.upper(), typed.lower()}
    prefix = (
        DocumentSeries.objects.filter(kind=SeriesKind.INVOICE)
        .values_list("prefix", flat=True)
        .first()
    )
    if prefix and typed.upper().startswith(prefix.upper()):
        variants.add(prefix + typed[len(prefix) :])
    return sorted(variants)


def subscription_facts(sub) -> rating.SubscriptionFacts:
    """The rating facts of a subscription row (its product and promotions are read), for the
    one-subscription paths: advance adjustments, final invoices. The run reads them in SQL."""
    return rating.SubscriptionFacts(
        id=sub.pk,
        customer_id=sub.customer_id,
        product_id=sub.product_id,
        plan_id=sub.plan_id,
        price=sub.price,
        activated_on=sub.activated_on,
        ends_on=sub.ends_on,
        system=sub.product.system,
        billed_to_group_id=sub.billed_to_group_id,
        promotions=tuple(
            rating.PromotionFacts(p.pk, p.discount_kind, p.value, p.starts_on, p.ends_on)
            for p in sub.promotions.all()
        ),
    )


def tax_table() -> TaxTable:
    """The company's active tax rates, per system, in their order (the rule's input)."""
    table: dict[str, list[RuleRate]] = {}
    for row in TaxRate.objects.filter(is_active=True).order_by("system", "position", "name"):
        table.setdefault(row.system, []).append(
            RuleRate(name=row.name, rate=Decimal(row.rate), mode=row.mode)
        )
    return {system: tuple(rates) for system, rates in table.items()}


def unbilled_charges(*, customer=None, group=None) -> QuerySet[OneOffCharge]:
    """The payer's one-off charges and credits not yet on an invoice, oldest first."""
    rows = OneOffCharge.objects.filter(invoice__isnull=True, cancelled=False)
    rows = rows.filter(customer=customer) if customer is not None else rows.filter(group=group)
    return rows.order_by("created_at", "id")


def invoices_of(*, customer=None, group=None) -> QuerySet[Invoice]:
    rows = Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
    if customer is not None:
        return rows.filter(customer=customer)
    return rows.filter(group=group)


# --- documents: invoices, credit notes, charges, tax rates ------------------------------------


def invoice_list(
    *,
    number: str | None = None,
    customer_id: int | None = None,
    group_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    run_id: int | None = None,
    cycle_start=None,
    overdue_on=None,
) -> QuerySet[Invoice]:
    """Issued invoices, newest first. ``overdue_on``: only those open and due before that day."""
    rows = Invoice.objects.exclude(status=InvoiceStatus.DRAFT).select_related(
        "customer", "group", "credit_note"
    )
    if number:
        rows = rows.filter(number__in=number_variants(number))
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    if group_id:
        rows = rows.filter(group_id=group_id)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if run_id:
        rows = rows.filter(run_id=run_id)
    if cycle_start:
        rows = rows.filter(cycle_start=cycle_start)
    if overdue_on:
        rows = rows.filter(overdue_q(overdue_on))
    return rows.order_by("-issued_on", "-id")


def overdue_q(on) -> Q:
    """Invoices open and due before ``on``, with something left to pay."""
    return Q(status=InvoiceStatus.OPEN, due_on__lt=on, open_amount__gt=0)


def invoice_detail_queryset() -> QuerySet[Invoice]:
    """Issued invoices with what their page and API show: payer, lines and what each traces to,
    the ledger entry and the credit note."""
    lines = InvoiceLine.objects.select_related(
        "customer", "subscription", "product", "plan", "promotion", "charge"
    ).order_by("position")
    return (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .select_related("customer", "group", "entry", "run", "credit_note", "credit_note__entry")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


def invoice_allocations(invoice: Invoice):
    """What payments settled on the invoice (collections' append-only allocation rows)."""
    from tenant_apps.collections.models import Allocation

    return (
        Allocation.objects.filter(invoice=invoice)
        .select_related("payment")
        .order_by("created_at", "id")
    )


def invoice_allocated(invoice: Invoice) -> Decimal:
    from tenant_apps.collections.models import Allocation

    total = Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def invoice_cancellable(invoice: Invoice) -> bool:
    """Whether ``services.invoice_cancel`` would accept the invoice now: issued, not cancelled,
    a total to credit and no payment allocated to it."""
    return (
        invoice.status in (InvoiceStatus.OPEN, InvoiceStatus.PAID)
        and invoice.total > 0
        and invoice_allocated(invoice) <= 0
    )


def credit_note_list(*, customer_id: int | None = None) -> QuerySet[CreditNote]:
    rows = CreditNote.objects.select_related("invoice", "invoice__customer", "invoice__group")
    if customer_id:
        rows = rows.filter(invoice__customer_id=customer_id)
    return rows.order_by("-issued_on", "-id")


def charge_list(
    *,
    customer_id: int | None = None,
    group_id: int | None = None,
    state: str | None = "unbilled",
) -> QuerySet[OneOffCharge]:
    """One-off charges and credits; ``state``: ``unbilled`` (default), ``billed``,
    ``cancelled`` or None for all."""
    rows = OneOffCharge.objects.select_related("customer", "group", "invoice")
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    if group_id:
        rows = rows.filter(group_id=group_id)
    return charges_in_state(rows, state).order_by("-created_at", "-id")


def charges_in_state(rows: QuerySet[OneOffCharge], state: str | None) -> QuerySet[OneOffCharge]:
    """``rows`` narrowed to ``unbilled``, ``billed`` or ``cancelled`` ones (None: all)."""
    if state == "unbilled":
        return rows.filter(invoice__isnull=True, cancelled=False)
    if state == "billed":
        return rows.filter(invoice__isnull=False)
    if state == "cancelled":
        return rows.filter(cancelled=True)
    return rows


def tax_rate_list(*, active: bool | None = None) -> QuerySet[TaxRate]:
    rows = TaxRate.objects.all()
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("system", "position", "name")


def customer_billing_panel(customer_id: int, *, limit: int = 6) -> dict:
    """The 360's billing section: the latest invoices and the unbilled charges."""
    invoices = list(invoices_of(customer=customer_id).order_by("-issued_on", "-id")[:limit])
    charges = list(charge_list(customer_id=customer_id))
    return {
        "invoices": invoices,
        "charges": charges,
        "unbilled_total": sum((c.amount for c in charges), Decimal("0")),
    }


def previews() -> QuerySet[BillingPreview]:
    """The previews, newest first, each with its cycle's run (``run_pk``, None without one)."""
    runs = BillingRun.objects.filter(cycle_start=OuterRef("cycle_start")).values("pk")[:1]
    return BillingPreview.objects.annotate(run_pk=Subquery(runs)).order_by("-requested_at", "-id")
