"""Writing billing. ``issue``: one invoice at a time (one-off charges, recharges, final
invoices) and one-off charges; the billing run and its bulk path live beside it."""

from .issue import LineSpec, charge_add, invoice_issue

__all__ = ["LineSpec", "charge_add", "invoice_issue"]
