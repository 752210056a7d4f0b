"""Invoice, charge and tax-rate pages: status codes, permissions (a seller cannot cancel, a
billing agent can), field errors in pt-BR, the PDF download and the 360 panel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenant_apps.billing.models import CreditNote, Invoice, OneOffCharge, TaxRate
from tenants.schemas import company_context

from .test_invoices_services import make_sample

pytestmark = pytest.mark.django_db
BASE = "/c/a-one/billing/"


@pytest.fixture
def sample(world):
    with company_context(world.a1):
        return make_sample()


@pytest.fixture
def billing_agent(login, world):
    return login("a1_cobranca", company=world.a1, branch="a-one-service")


def test_invoice_pages_show_lines_taxes_and_traceability(billing_agent, sample):
    """The list (with filters), the detail (lines traced to subscription, product, plan,
    promotion and period; taxes; ledger entry) and the PDF answer 200."""
    inv = sample.invoice
    listing = billing_agent.get(f"{BASE}invoices/", {"customer": sample.customer.pk})
    assert listing.status_code == 200
    assert inv.number in listing.content.decode()
    assert (
        inv.number
        not in billing_agent.get(f"{BASE}invoices/", {"kind": "recharge"}).content.decode()
    )
    assert billing_agent.get(f"{BASE}invoices/", {"overdue": "on"}).status_code == 200
    assert billing_agent.get(f"{BASE}invoices/", {"run": "x"}).status_code == 400
    by_number = billing_agent.get(f"{BASE}invoices/", {"customer": sample.customer.code})
    assert inv.number in by_number.content.decode()
    assert billing_agent.get(f"{BASE}invoices/", {"customer": "nobody"}).status_code == 400
    page = billing_agent.get(f"{BASE}invoices/{inv.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"#{sample.internet.pk}" in html  # the subscription
    assert sample.promotion.name in html
    assert "89,90" in html and "229,79" in html  # pt-BR
    assert "ICMS" in html
    assert 'data-testid="cancel-form"' in html
    pdf = billing_agent.get(f"{BASE}invoices/{inv.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_seller_cannot_see_or_cancel(login, world, sample):
    """The seller's profile has no billing.view nor billing.adjust: 403 with the reason."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{BASE}invoices/").status_code == 403
    refused = seller.post(f"{BASE}invoices/{sample.invoice.pk}/cancel/", {"reason": "x"})
    assert refused.status_code == 403
    with company_context(world.a1):
        assert not CreditNote.objects.exists()


def test_an_attendant_sees_but_cannot_cancel(login, world, sample):
    """billing.view without billing.adjust: the page has no cancel form, the POST is 403."""
    attendant = login("a1_atendente", company=world.a1, branch="a-one-service")
    page = attendant.get(f"{BASE}invoices/{sample.invoice.pk}/")
    assert page.status_code == 200
    assert 'data-testid="cancel-form"' not in page.content.decode()
    assert (
        attendant.post(f"{BASE}invoices/{sample.invoice.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )


def test_a_billing_agent_cancels(billing_agent, world, sample):
    """A reason is required (pt-BR message); then the credit note is shown."""
    url = f"{BASE}invoices/{sample.invoice.pk}/cancel/"
    missing = billing_agent.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert "Este campo é obrigatório." in missing.content.decode()
    done = billing_agent.post(url, {"reason": "Cobrança indevida"}, follow=True)
    assert done.status_code == 200
    assert 'data-testid="credit-note"' in done.content.decode()
    with company_context(world.a1):
        assert Invoice.objects.get(pk=sample.invoice.pk).status == "cancelled"
        assert CreditNote.objects.get(invoice=sample.invoice).reason == "Cobrança indevida"


def test_charges_page_adds_and_cancels(billing_agent, world, sample):
    """A credit is added for a customer by number (stored negative); errors are per field in
    pt-BR; an unbilled charge is cancelled."""
    page = billing_agent.get(f"{BASE}charges/", {"customer": sample.customer.pk})
    assert page.status_code == 200
    assert sample.customer.code in page.content.decode()
    bad = billing_agent.post(
        f"{BASE}charges/",
        {
            "customer_code": sample.customer.code,
            "kind": "credit",
            "amount": "",
            "description": "x",
            "source": "agent",
            "idempotency_key": "ui-c-0",
        },
    )
    assert bad.status_code == 400
    assert "Este campo é obrigatório." in bad.content.decode()
    ok = billing_agent.post(
        f"{BASE}charges/",
        {
            "customer_code": sample.customer.code,
            "kind": "credit",
            "amount": "12,50",
            "description": "Desconto por falha",
            "source": "agent",
            "source_ref": "ag-7",
            "idempotency_key": "ui-c-1",
        },
    )
    assert ok.status_code == 302
    with company_context(world.a1):
        charge = OneOffCharge.objects.get(idempotency_key="ui:ui-c-1")
        assert charge.amount == Decimal("-12.50") and charge.customer_id == sample.customer.pk
    cancelled = billing_agent.post(f"{BASE}charges/{charge.pk}/cancel/")
    assert cancelled.status_code == 302
    with company_context(world.a1):
        charge.refresh_from_db()
        assert charge.cancelled


def test_a_seller_cannot_add_charges(login, world):
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    response = seller.post(f"{BASE}charges/", {"customer_code": "x"})
    assert response.status_code == 403


def test_tax_rates_page(login, world):
    """An administrator adds and edits a rate; a duplicate name is a field error; a billing
    agent (no company.settings) sees the list but cannot add."""
    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    assert admin.get(f"{BASE}tax-rates/").status_code == 200
    data = {
        "system": "vod",
        "name": "ISS",
        "rate": "5",
        "mode": "added",
        "position": "0",
        "is_active": "on",
    }
    assert admin.post(f"{BASE}tax-rates/", data).status_code == 302
    dup = admin.post(f"{BASE}tax-rates/", data)
    assert dup.status_code == 400
    bad = admin.post(f"{BASE}tax-rates/", {**data, "name": ""})
    assert "Este campo é obrigatório." in bad.content.decode()
    with company_context(world.a1):
        rate = TaxRate.objects.get(name="ISS")
    assert admin.get(f"{BASE}tax-rates/{rate.pk}/").status_code == 200
    assert admin.post(f"{BASE}tax-rates/{rate.pk}/", {**data, "rate": "2,5"}).status_code == 302
    assert admin.post(f"{BASE}tax-rates/{rate.pk}/deactivate/").status_code == 302
    with company_context(world.a1):
        rate.refresh_from_db()
        assert rate.rate == Decimal("2.5") and not rate.is_active
    agent = login("a1_cobranca", company=world.a1, branch="a-one-service")
    assert agent.get(f"{BASE}tax-rates/").status_code == 200
    assert agent.post(f"{BASE}tax-rates/", data).status_code == 403


def test_customer_panel(billing_agent, login, world, sample):
    """The 360 loads the panel lazily; the panel lists the invoice with its PDF link and
    offers to add a charge."""
    page = billing_agent.get(f"/c/a-one/customers/{sample.customer.pk}/")
    assert page.status_code == 200
    assert f"{BASE}customers/{sample.customer.pk}/panel/" in page.content.decode()
    panel = billing_agent.get(f"{BASE}customers/{sample.customer.pk}/panel/")
    assert panel.status_code == 200
    html = panel.content.decode()
    assert sample.invoice.number in html
    assert f"{BASE}invoices/{sample.invoice.pk}/pdf/" in html
    assert 'data-testid="add-charge"' in html
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    seller_page = seller.get(f"/c/a-one/customers/{sample.customer.pk}/")
    assert f"{BASE}customers/{sample.customer.pk}/panel/" not in seller_page.content.decode()
