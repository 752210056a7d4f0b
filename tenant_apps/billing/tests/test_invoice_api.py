"""Billing document API: invoices (filters, detail with lines and taxes, PDF, cancel), credit
notes, charges (create, cancel), tax rates; 4xx with field errors, permissions, isolation."""

from __future__ import annotations

import pytest

from tenant_apps.billing.models import Invoice, OneOffCharge, TaxRate
from tenant_apps.factories import CustomerFactory
from tenants.schemas import company_context

from .test_invoices_services import make_sample

pytestmark = pytest.mark.django_db
API = "/c/a-one/api/v1/"


@pytest.fixture
def sample(world):
    with company_context(world.a1):
        return make_sample()


@pytest.fixture
def agent(login, world):
    return login("a1_cobranca", company=world.a1, branch="a-one-service")


def test_list_and_detail(agent, sample):
    """The list filters by customer and status; the detail has lines, taxes and money as
    strings; the PDF is application/pdf."""
    inv = sample.invoice
    body = agent.get(f"{API}invoices/", {"customer": sample.customer.pk}).json()
    assert [row["number"] for row in body["results"]] == [inv.number]
    assert agent.get(f"{API}invoices/", {"status": "cancelled"}).json()["count"] == 0
    assert agent.get(f"{API}invoices/", {"overdue": "true"}).status_code == 200
    detail = agent.get(f"{API}invoices/{inv.pk}/").json()
    assert detail["total"] == "229.79" and detail["subtotal"] == "224.90"
    assert [line["amount"] for line in detail["lines"]] == [
        "89.90",
        "-44.95",
        "39.95",
        "150.00",
        "-10.00",
    ]
    assert detail["lines"][1]["promotion"] == sample.promotion.pk
    assert detail["lines"][2]["taxes"][0] == {
        "name": "ICMS",
        "mode": "included",
        "rate": "25.0000",
        "amount": "9.99",
    }
    assert detail["entry"]["amount"] == "229.79"
    pdf = agent.get(detail["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_cancel(agent, world, sample):
    """A reason is required (400, field reason); cancelling gives the credit note (201), again
    the same one (200); the credit note list has it."""
    url = f"{API}invoices/{sample.invoice.pk}/cancel/"
    bad = agent.post(url, {}, content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    done = agent.post(url, {"reason": "Erro"}, content_type="application/json")
    assert done.status_code == 201
    assert done.json()["amount"] == "229.79" and done.json()["entry"]["amount"] == "-229.79"
    again = agent.post(url, {"reason": "Erro"}, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == done.json()["number"]
    notes = agent.get(f"{API}credit-notes/", {"customer": sample.customer.pk}).json()
    assert [n["number"] for n in notes["results"]] == [done.json()["number"]]
    with company_context(world.a1):
        assert Invoice.objects.get(pk=sample.invoice.pk).status == "cancelled"


def test_charges_create_list_cancel(agent, world):
    """A credit entered positive is stored negative; the same key twice adds one; a charge
    with no payer or a bad kind is a 400 with field errors; cancel works once unbilled."""
    with company_context(world.a1):
        customer = CustomerFactory()
    body = {
        "customer": customer.pk,
        "kind": "credit",
        "amount": "15.00",
        "description": "Crédito de atendimento",
        "source": "agent",
        "idempotency_key": "api-k-1",
    }
    made = agent.post(f"{API}charges/", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["amount"] == "-15.00"
    again = agent.post(f"{API}charges/", body, content_type="application/json")
    assert again.json()["id"] == made.json()["id"]
    listed = agent.get(f"{API}charges/", {"customer": customer.pk, "state": "unbilled"}).json()
    assert listed["count"] == 1
    bad = agent.post(
        f"{API}charges/",
        {**body, "customer": None, "kind": "nope", "idempotency_key": "api-k-2"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]
    no_payer = agent.post(
        f"{API}charges/",
        {**body, "customer": None, "idempotency_key": "api-k-3"},
        content_type="application/json",
    )
    assert no_payer.status_code == 400 and "customer" in no_payer.json()["fields"]
    negative = agent.post(
        f"{API}charges/",
        {**body, "kind": "penalty", "amount": "-3", "idempotency_key": "api-k-4"},
        content_type="application/json",
    )
    assert negative.status_code == 400 and "amount" in negative.json()["fields"]
    proration = agent.post(  # made by billing itself (advance adjustments), never entered
        f"{API}charges/",
        {**body, "kind": "proration", "amount": "-3", "idempotency_key": "api-k-5"},
        content_type="application/json",
    )
    assert proration.status_code == 400 and "kind" in proration.json()["fields"]
    cancelled = agent.post(f"{API}charges/{made.json()['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    with company_context(world.a1):
        assert OneOffCharge.objects.filter(customer=customer, cancelled=False).count() == 0


def test_permissions(login, world, sample):
    """A seller (no billing.view) gets 403; an attendant reads but cannot cancel or add
    charges; a billing agent cannot write tax rates (company.settings), an admin can."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{API}invoices/").status_code == 403
    attendant = login("a1_atendente", company=world.a1, branch="a-one-service")
    assert attendant.get(f"{API}invoices/{sample.invoice.pk}/").status_code == 200
    refused = attendant.post(
        f"{API}invoices/{sample.invoice.pk}/cancel/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert attendant.post(f"{API}charges/", {}, content_type="application/json").status_code == 403
    rate = {"system": "vod", "name": "ISS", "rate": "5", "mode": "added"}
    agent = login("a1_cobranca", company=world.a1, branch="a-one-service")
    assert agent.get(f"{API}tax-rates/").status_code == 200
    assert agent.post(f"{API}tax-rates/", rate, content_type="application/json").status_code == 403
    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    made = admin.post(f"{API}tax-rates/", rate, content_type="application/json")
    assert made.status_code == 201
    dup = admin.post(f"{API}tax-rates/", rate, content_type="application/json")
    assert dup.status_code == 400 and "name" in dup.json()["fields"]
    patched = admin.patch(
        f"{API}tax-rates/{made.json()['id']}/",
        {"is_active": False},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    with company_context(world.a1):
        assert TaxRate.objects.get(pk=made.json()["id"]).rate == 5


def test_another_companys_invoice_is_404(login, world, sample):
    """The same id in company A2 (same operator, another schema) does not exist: 404."""
    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    assert admin.get(f"/c/a-two/api/v1/invoices/{sample.invoice.pk}/").status_code == 404
    b_admin = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b_admin.get(f"{API}invoices/{sample.invoice.pk}/").status_code == 404
    assert b_admin.get(f"/c/b-one/api/v1/invoices/{sample.invoice.pk}/").status_code == 404
