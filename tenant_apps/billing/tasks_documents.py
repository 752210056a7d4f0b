"""Tasks of invoice documents: PDFs (see tasks.py).

The billing run leaves PDFs out of its benchmark: they are rendered in a separate step,
``billing.render_pdfs(run_id)``, which splits the run's invoices without a PDF into chunks
and enqueues one ``billing.render_pdf_chunk`` per chunk (workers render them side by side).
Each invoice is rendered once: one that has its PDF is skipped, so a repeated or retried task
renders nothing twice.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from tenants.guards import company_task

from .choices import InvoiceStatus
from .models import Invoice

__all__ = ["render_pdf", "render_pdf_chunk", "render_pdfs"]

CHUNK = 200


def _missing(rows):
    return rows.exclude(status=InvoiceStatus.DRAFT).filter(pdf="")


@shared_task(name="billing.render_pdf")
@company_task
def render_pdf(invoice_id: int, force: bool = False) -> bool:
    """Render one invoice's PDF when it has none (``force``: again, e.g. once cancelled).
    True when one was rendered."""
    from .pdf import invoice_pdf_store

    rows = Invoice.objects.filter(pk=invoice_id)
    invoice = (rows.exclude(status=InvoiceStatus.DRAFT) if force else _missing(rows)).first()
    if invoice is None:
        return False
    invoice_pdf_store(invoice=invoice, force=force)
    return True


@shared_task(name="billing.render_pdf_chunk")
@company_task
def render_pdf_chunk(invoice_ids: list[int]) -> int:
    """Render the PDFs still missing among ``invoice_ids``; returns how many were rendered."""
    from .pdf import invoice_pdf_store

    done = 0
    rows = Invoice.objects.filter(pk__in=invoice_ids).select_related("customer", "group")
    for invoice in _missing(rows).order_by("id"):
        invoice_pdf_store(invoice=invoice)
        done += 1
    return done


@shared_task(name="billing.render_pdfs")
@company_task
def render_pdfs(run_id: int) -> int:
    """Enqueue the rendering of a run's missing PDFs, ``CHUNK`` invoices a task. Returns the
    number of chunks enqueued."""
    ids = list(
        _missing(Invoice.objects.filter(run_id=run_id)).order_by("id").values_list("id", flat=True)
    )
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        transaction.on_commit(lambda chunk=chunk: render_pdf_chunk.delay(chunk))
    return len(chunks)
