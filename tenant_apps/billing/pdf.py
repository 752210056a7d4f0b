"""An invoice's PDF: HTML rendered by WeasyPrint, in the invoice's language and currency.

The amounts printed are the invoice's stored amounts (its lines, their taxes, the invoice's
taxes, subtotal and total), never recomputed here, formatted in the invoice's language with
its currency's symbol and minor units, as ``{% money %}`` formats them on the pages. The
stored file lives under the company schema's folder (``Invoice.pdf``'s ``upload_to``) and is
only served through the access-checked download view.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format

from shared_apps.web.templatetags.money import SYMBOLS
from tenant_apps.parameters.choices import CURRENCY_DECIMALS

from .choices import InvoiceStatus
from .models import Invoice

TEMPLATE = "billing/invoice_pdf.html"


def format_money(amount: Decimal | str | None, currency: str) -> str:
    """An amount as printed on the invoice (call inside the invoice's language)."""
    if amount is None or amount == "":
        return ""
    places = CURRENCY_DECIMALS.get(currency, 2)
    text = number_format(
        Decimal(str(amount)), decimal_pos=places, use_l10n=True, force_grouping=True
    )
    symbol = SYMBOLS.get(currency, currency)
    return f"{symbol}\N{NO-BREAK SPACE}{text}" if symbol else text


def format_rate(rate: Decimal | str) -> str:
    """A tax rate in percent with no trailing zeros ("25", "3,65")."""
    value = Decimal(str(rate)).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True)


def _company() -> dict:
    tenant = getattr(connection, "tenant", None)
    return {
        "name": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
        "trade_name": getattr(tenant, "name", ""),
        "tax_id": getattr(tenant, "tax_id", ""),
    }


def _payer(invoice: Invoice) -> dict:
    if invoice.customer_id:
        c = invoice.customer
        address = (
            c.addresses.filter(is_active=True)
            .select_related("zone", "zone__city")
            .order_by("id")
            .first()
        )
        lines = []
        if address is not None:
            first = f"{address.street}, {address.number}"
            if address.complement:
                first += f" – {address.complement}"
            lines.append(first)
            city = address.zone.city
            lines.append(
                " – ".join(
                    p
                    for p in (
                        address.zone.name,
                        f"{city.name}/{city.state}" if getattr(city, "state", "") else city.name,
                        address.postal_code,
                    )
                    if p
                )
            )
        return {"name": c.name, "code": c.code, "tax_id": c.tax_id, "address": lines}
    g = invoice.group
    return {"name": g.name, "code": "", "tax_id": g.tax_id, "address": []}


def _taxes(rows: list[dict], currency: str) -> list[dict]:
    return [
        {
            "name": t["name"],
            "mode": t["mode"],
            "included": t["mode"] == "included",
            "rate": format_rate(t["rate"]),
            "amount": format_money(t["amount"], currency),
        }
        for t in rows or []
    ]


def payment_reference(invoice: Invoice) -> str:
    """What the payer quotes when paying: the invoice number (bank return files and the
    cashier match payments on it)."""
    return invoice.number or ""


def invoice_pdf_context(invoice: Invoice) -> dict:
    """What the template prints (call inside the invoice's language: amounts are formatted)."""
    cur = invoice.currency
    lines = []
    group_invoice = bool(invoice.group_id)
    for line in invoice.lines.select_related("customer").order_by("position"):
        last_day = line.period_end - dt.timedelta(days=1) if line.period_end else None
        lines.append(
            {
                "position": line.position,
                "description": line.description,
                "kind": line.get_kind_display(),
                "member": line.customer.name if group_invoice and line.customer_id else "",
                "period_start": line.period_start,
                "period_last": last_day if last_day and last_day >= line.period_start else None,
                "days": line.days,
                "cycle_days": line.cycle_days,
                "amount": format_money(line.amount, cur),
                "taxes": _taxes(line.taxes, cur),
            }
        )
    return {
        "invoice": invoice,
        "company": _company(),
        "payer": _payer(invoice),
        "group_invoice": group_invoice,
        "lines": lines,
        "taxes": _taxes(invoice.taxes, cur),
        "subtotal": format_money(invoice.subtotal, cur),
        "added_tax": format_money(invoice.added_tax, cur),
        "included_tax": format_money(invoice.included_tax, cur),
        "total": format_money(invoice.total, cur),
        "has_added": invoice.added_tax != 0,
        "has_included": invoice.included_tax != 0,
        "cycle_last": invoice.cycle_end - dt.timedelta(days=1) if invoice.cycle_end else None,
        "reference": payment_reference(invoice),
        "cancelled": invoice.status == InvoiceStatus.CANCELLED,
    }


def invoice_html(invoice: Invoice) -> str:
    with translation.override(invoice.language or None):
        return render_to_string(TEMPLATE, invoice_pdf_context(invoice))


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """The invoice's PDF, rendered now (nothing stored)."""
    from weasyprint import HTML  # heavy import: only where PDFs are made

    return HTML(string=invoice_html(invoice)).write_pdf()


def invoice_pdf_filename(invoice: Invoice) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in invoice.number or "")
    return f"{safe or invoice.pk}.pdf"


def invoice_pdf_store(*, invoice: Invoice, force: bool = False) -> Invoice:
    """Render the invoice's PDF and keep it in ``Invoice.pdf`` (once: an invoice that has
    one keeps it unless ``force``). Returns the invoice with its ``pdf`` set."""
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValueError("a draft invoice has no PDF")
    if invoice.pdf and not force:
        return invoice
    content = invoice_pdf_render(invoice=invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.pdf and not force:
            invoice.pdf = locked.pdf
            return invoice
        old = locked.pdf.name if locked.pdf else ""
        locked.pdf.save(invoice_pdf_filename(locked), ContentFile(content), save=False)
        Invoice.objects.filter(pk=locked.pk).update(pdf=locked.pdf.name)
        invoice.pdf = locked.pdf
    if old and old != invoice.pdf.name:
        invoice.pdf.storage.delete(old)
    return invoice


def invoice_pdf_ensure(*, invoice: Invoice) -> Invoice:
    """The invoice with its stored PDF: rendered and stored now when it has none or its file
    is missing from the storage."""
    if invoice.pdf and invoice.pdf.storage.exists(invoice.pdf.name):
        return invoice
    return invoice_pdf_store(invoice=invoice, force=bool(invoice.pdf))
