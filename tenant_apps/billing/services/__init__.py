"""Writing billing. ``issue``: one invoice at a time (one-off charges, recharges, final
invoices) and one-off charges; ``invoices``: cancelling invoices (credit notes), billing
charges now, cancelling charges, tax rates; ``advance``: adjusting cycles billed in advance
when a product's dates change; the billing run and its bulk path live beside it."""

from .advance import advance_adjust
from .invoices import (
    charge_cancel,
    charges_bill_now,
    invoice_cancel,
    tax_rate_create,
    tax_rate_deactivate,
    tax_rate_update,
)
from .issue import LineSpec, charge_add, invoice_issue

__all__ = [
    "LineSpec",
    "advance_adjust",
    "charge_add",
    "charge_cancel",
    "charges_bill_now",
    "invoice_cancel",
    "invoice_issue",
    "tax_rate_create",
    "tax_rate_deactivate",
    "tax_rate_update",
]
