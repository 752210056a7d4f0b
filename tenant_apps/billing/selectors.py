"""Reading billing: the company's tax table, unbilled charges, invoices."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from .models import Invoice, OneOffCharge, TaxRate
from .taxes import TaxRate as RuleRate
from .taxes import TaxTable


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
    if customer is not None:
        rows = rows.filter(customer=customer)
    else:
        rows = rows.filter(group=group)
    return rows.order_by("created_at", "id")


def invoices_of(*, customer=None, group=None) -> QuerySet[Invoice]:
    rows = Invoice.objects.exclude(status="draft")
    if customer is not None:
        return rows.filter(customer=customer)
    return rows.filter(group=group)
