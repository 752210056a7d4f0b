"""The PDF of an invoice issued by the billing run (the bulk path): every amount printed is the
invoice's, the total is its ledger entry's; billing.render_pdfs renders the run's PDFs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.billing.models import Invoice
from tenant_apps.billing.pdf import invoice_pdf_render
from tenant_apps.billing.services.runs import billing_run_start
from tenant_apps.billing.tasks_documents import render_pdfs
from tenant_apps.factories import CustomerFactory

from .run_facts import ACTOR, product, rate, subscribe
from .test_pdf import brl, pdf_text

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_run_invoice_pdf_matches_its_ledger_entry(in_a1, django_capture_on_commit_callbacks):
    """Internet 100.00 with ISS 5 % added, TV 50.00 with ICMS 25 % included and a 10 %
    promotion: lines 100.00, 50.00, -5.00; ISS 5.00; ICMS 12.50 - 1.25 = 11.25 included;
    subtotal 145.00, total 150.00 = the ledger debit."""
    rate("internet", "ISS", "5", "added")
    rate("tv", "ICMS", "25", "included")
    customer = CustomerFactory(name="Cliente da Fatura")
    subscribe(customer, prod=product("100.00", "internet"), activated_on=D(2026, 1, 1))
    subscribe(
        customer,
        prod=product("50.00", "tv"),
        activated_on=D(2026, 1, 1),
        promotions=[("percent", "10.00", D(2026, 1, 1), D(2027, 1, 1))],
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = billing_run_start(actor=ACTOR, cycle_start=D(2026, 3, 1))
    invoice = Invoice.objects.select_related("entry").get(run=run, customer=customer)
    text = pdf_text(invoice_pdf_render(invoice=invoice))
    assert invoice.number in text and "Cliente da Fatura" in text
    for line in invoice.lines.all():
        assert brl(line.amount) in text
        for tax in line.taxes:
            assert brl(tax["amount"]) in text
    for tax in invoice.taxes:
        assert brl(tax["amount"]) in text
    assert invoice.entry.amount == invoice.total == Decimal("150.00")
    for figure in (
        "R$ 100,00",
        "R$ 50,00",
        "R$ -5,00",
        "R$ 5,00",
        "R$ 11,25",
        "R$ 145,00",
        "R$ 150,00",
    ):
        assert figure in text
    assert brl(invoice.entry.amount) in text
    assert "01/03/2026 – 31/03/2026" in text  # the cycle, last day inclusive
    with django_capture_on_commit_callbacks(execute=True):
        render_pdfs(run.pk)
    assert not Invoice.objects.filter(run=run, pdf="").exists()
