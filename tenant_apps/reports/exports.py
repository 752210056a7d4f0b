"""CSV exports of the reports and the statement.

For spreadsheet users: UTF-8 with a byte-order mark (so Excel reads accents right), comma
separated, a header row in the user's language, one data row per report row (no totals row:
a spreadsheet sums them), amounts as plain decimals with a dot and the currency's places
(``1234.50``, no grouping, no symbol), dates as ISO ``YYYY-MM-DD``, systems and origins by
their label.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tenant_apps.ledger.statement import Statement

from .selectors import BUCKETS, AgeingReport, BillingReport, CollectionsReport, bucket_labels

BOM = "\ufeff"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return BOM + out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def billing_csv(report: BillingReport) -> HttpResponse:
    columns = [
        (_("Cycle"), "cycle"),
        (_("System"), "system_label"),
        (_("Invoices"), "invoices"),
        (_("Amount"), "amount"),
        (_("Added taxes"), "added_tax"),
        (_("Included taxes"), "included_tax"),
        (_("Total"), "total"),
        (_("Cancelled invoices"), "cancelled_invoices"),
        (_("Cancelled total"), "cancelled_total"),
        (_("Net total"), "net_total"),
    ]
    header = [label for label, _attr in columns]
    rows = ([getattr(r, attr) for _label, attr in columns] for r in report.rows)
    return csv_response("billing.csv", header, rows)


def collections_csv(report: CollectionsReport) -> HttpResponse:
    header = [
        _("Period"),
        _("Origin"),
        _("Payments"),
        _("Collected"),
        *[label for _code, label in report.system_columns],
        _("Reversed payments"),
        _("Reversed amount"),
    ]
    rows = (
        [
            r.period,
            r.origin_label,
            r.payments,
            r.amount,
            *r.system_amounts,
            r.reversed_payments,
            r.reversed_amount,
        ]
        for r in report.rows
    )
    return csv_response("collections.csv", header, rows)


def ageing_csv(report: AgeingReport) -> HttpResponse:
    header = [
        _("Customer number"),
        _("Customer or group"),
        *[label for _code, label in bucket_labels()],
        _("Total open"),
        _("Invoices"),
    ]
    rows = (
        [r.code, r.name, *[r.amounts[b] for b in BUCKETS], r.total, r.invoices] for r in report.rows
    )
    return csv_response(f"ageing-{report.as_of.isoformat()}.csv", header, rows)


def statement_csv(statement: Statement | None, *, zone, filename: str) -> HttpResponse:
    """The entries with their running balance; an opening-balance row first when the
    statement starts after the account's first entry. No statement (no account yet): the
    header alone."""
    header = [
        _("Posted at"),
        _("Kind"),
        _("Description"),
        _("Due on"),
        _("Document"),
        _("Amount"),
        _("Balance"),
    ]

    def rows():
        if statement is None:
            return
        if statement.start is not None:
            yield [statement.start, _("Opening balance"), "", "", "", "", statement.opening]
        for e in statement.entries.iterator(chunk_size=2000):
            yield [
                e.posted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                e.get_kind_display(),
                e.description,
                e.due_on,
                entry_document(e),
                e.amount,
                e.running,
            ]

    return csv_response(filename, header, rows())


def entry_document(e) -> str:
    """The document an entry belongs to: its credit note, invoice or payment."""
    if e.credit_note_number:
        return e.credit_note_number
    if e.invoice_number:
        return e.invoice_number
    if e.payment_ref:
        return _("Payment #%(id)s") % {"id": e.payment_ref}
    return ""
