"""The invoice PDF: every amount printed matches the invoice's lines and its ledger entry, in the
company's language and currency; stored once under the company's folder; rendered by task."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from tenant_apps.billing.models import Invoice
from tenant_apps.billing.pdf import format_money, invoice_pdf_render, invoice_pdf_store
from tenant_apps.billing.tasks_documents import render_pdf, render_pdfs
from tenant_apps.parameters.models import CompanyParameters

from .test_invoices_services import make_sample

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\N{NO-BREAK SPACE}", " ")


def brl(value: str) -> str:
    """pt-BR as the template prints it, written out by hand: 1.234,56 with R$ in front."""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"R$ {sign}{'.'.join(groups)},{cents}"


def test_every_amount_on_the_pdf_matches_the_invoice_and_the_ledger(in_a1):
    """Lines, line taxes, invoice taxes, subtotal, added taxes and total as printed are the
    stored amounts; the total is the ledger entry's amount; dates in pt-BR; number shown."""
    s = make_sample()
    inv = Invoice.objects.select_related("entry").get(pk=s.invoice.pk)
    text = pdf_text(invoice_pdf_render(invoice=inv))
    assert brl("1234.56") == "R$ 1.234,56"  # the helper itself
    assert inv.number in text
    assert inv.due_on.strftime("%d/%m/%Y") in text
    for line in inv.lines.all():
        assert line.description in text
        assert brl(line.amount) in text, line.amount
        for tax in line.taxes:
            assert f"{tax['name']}" in text
            assert brl(tax["amount"]) in text, tax
    for tax in inv.taxes:
        assert brl(tax["amount"]) in text, tax
    assert f"Subtotal {brl(inv.subtotal)}" in text
    assert brl(inv.added_tax) in text
    assert brl(inv.included_tax) in text
    assert brl(inv.entry.amount) in text
    assert inv.entry.amount == inv.total
    # hand-computed figures of the sample (see make_sample)
    for figure in ("R$ 89,90", "R$ -44,95", "R$ 39,95", "R$ 150,00", "R$ -10,00"):
        assert figure in text
    for figure in ("R$ 224,90", "R$ 4,89", "R$ 229,79", "R$ 9,99", "R$ 8,99", "R$ -4,50"):
        assert figure in text
    assert "ICMS 25%" in text


def test_pdf_follows_the_invoice_language_and_currency(in_a1):
    """An invoice issued in English and euros prints English words and € amounts."""
    CompanyParameters.objects.update(locale="en", currency="EUR")
    s = make_sample()
    inv = Invoice.objects.get(pk=s.invoice.pk)
    assert (inv.language, inv.currency) == ("en", "EUR")
    text = pdf_text(invoice_pdf_render(invoice=inv))
    assert "Due date" in text
    assert "€ 229.79" in text
    with translation.override("en"):
        assert format_money(Decimal("1234.5"), "EUR") == "€\N{NO-BREAK SPACE}1,234.50"


def test_pdf_stored_once_under_the_company_folder(in_a1, settings):
    """Storing keeps the file under the company schema's folder; a second call keeps it."""
    s = make_sample()
    inv = invoice_pdf_store(invoice=Invoice.objects.get(pk=s.invoice.pk))
    assert inv.pdf.name.startswith(f"{in_a1.schema_name}/invoices/2026/12/")
    with inv.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    name = inv.pdf.name
    again = invoice_pdf_store(invoice=Invoice.objects.get(pk=inv.pk))
    assert again.pdf.name == name


def test_tasks_render_missing_pdfs(in_a1, django_capture_on_commit_callbacks):
    """The per-invoice task renders a missing PDF once; the run task renders the run's
    invoices without one, in chunks."""
    from tenant_apps.billing.models import BillingRun

    s = make_sample()
    assert render_pdf(s.invoice.pk) is True
    assert render_pdf(s.invoice.pk) is False
    other = make_sample_other()
    run = BillingRun.objects.create(
        cycle_start=other.cycle_start or other.issued_on,
        cycle_end=other.cycle_end or other.issued_on,
        timing="arrears",
        issued_on=other.issued_on,
        due_on=other.due_on,
        requested_by="tests",
    )
    Invoice.objects.filter(pk=other.pk).update(run=run)
    with django_capture_on_commit_callbacks(execute=True):
        assert render_pdfs(run.pk) == 1
    assert Invoice.objects.get(pk=other.pk).pdf


def make_sample_other() -> Invoice:
    from shared_apps.audit.actor import Actor
    from tenant_apps.billing.choices import ChargeKind, ChargeSource
    from tenant_apps.billing.services import charge_add, charges_bill_now
    from tenant_apps.factories import CustomerFactory

    customer = CustomerFactory()
    charge_add(
        actor=Actor.system("tests"),
        kind=ChargeKind.PENALTY,
        amount=Decimal("12.00"),
        description="Multa",
        source=ChargeSource.AGENT,
        idempotency_key="other-1",
        customer=customer,
    )
    return charges_bill_now(actor=Actor.system("tests"), customer=customer)


def test_group_invoice_prints_each_member(in_a1):
    """A group's invoice names the member of each line; its total is the ledger's."""
    from shared_apps.audit.actor import Actor
    from tenant_apps.billing.choices import InvoiceKind, LineKind
    from tenant_apps.billing.services import LineSpec, invoice_issue
    from tenant_apps.factories import CustomerFactory, GroupFactory

    group = GroupFactory(name="Condomínio Jardim", tax_id="12345678000195")
    ana, bia = CustomerFactory(name="Ana Membro"), CustomerFactory(name="Bia Membro")
    inv = invoice_issue(
        actor=Actor.system("tests"),
        kind=InvoiceKind.CYCLE,
        lines=[
            LineSpec(
                kind=LineKind.PRODUCT, description="TV", amount=Decimal("50"), customer_id=ana.pk
            ),
            LineSpec(
                kind=LineKind.PRODUCT,
                description="TV",
                amount=Decimal("1234.5"),
                customer_id=bia.pk,
            ),
        ],
        idempotency_key="group-pdf",
        group=group,
        issued_on=dt.date(2026, 12, 1),
    )
    text = pdf_text(invoice_pdf_render(invoice=inv))
    assert "Condomínio Jardim" in text and "12345678000195" in text
    assert "Ana Membro" in text and "Bia Membro" in text
    assert "R$ 1.234,50" in text
    assert inv.total == inv.entry.amount == Decimal("1284.50")
    assert brl(inv.total) in text


def test_cancelling_re_renders_the_stored_pdf(in_a1, django_capture_on_commit_callbacks):
    """Once cancelled, the stored PDF is rendered again and says so; a one-off invoice billed
    now gets its PDF after the commit."""
    from django.utils.translation import gettext

    from shared_apps.audit.actor import Actor
    from tenant_apps.billing.services import invoice_cancel

    s = make_sample()
    inv = invoice_pdf_store(invoice=Invoice.objects.get(pk=s.invoice.pk))
    with translation.override("pt-br"):
        stamp = gettext("Cancelled")
    with inv.pdf.open("rb") as f:
        assert stamp not in pdf_text(f.read())
    with django_capture_on_commit_callbacks(execute=True):
        invoice_cancel(actor=Actor.system("tests"), invoice=inv, reason="Erro")
    inv = Invoice.objects.get(pk=inv.pk)
    with inv.pdf.open("rb") as f:
        assert stamp in pdf_text(f.read())
    with django_capture_on_commit_callbacks(execute=True):
        other = make_sample_other()
    assert Invoice.objects.get(pk=other.pk).pdf
