"""The API filters return the right rows: overdue invoices (open, due before today) and
charges by state (unbilled, billed, cancelled)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared_apps.audit.actor import Actor
from tenant_apps.billing.services import LineSpec, charge_add, invoice_issue
from tenant_apps.billing.services.invoices import charge_cancel, charges_bill_now
from tenant_apps.factories import CustomerFactory
from tenant_apps.parameters.selectors import company_today
from tenants.schemas import company_context

API = "/c/a-one/api/v1/"
ACTOR = Actor.system("tests")
pytestmark = pytest.mark.django_db


def _invoice(customer, key: str, due_on: dt.date):
    return invoice_issue(
        actor=ACTOR,
        kind="one_off",
        customer=customer,
        idempotency_key=key,
        lines=[LineSpec(kind="charge", description="Visita", amount=Decimal("50.00"))],
        issued_on=due_on - dt.timedelta(days=10),
        due_on=due_on,
    )


def _charge(customer, key: str):
    return charge_add(
        actor=ACTOR,
        customer=customer,
        kind="penalty",
        amount=Decimal("10.00"),
        description=key,
        source="agent",
        idempotency_key=key,
    )


def test_overdue_and_charge_state_filters(login, world):
    with company_context(world.a1):
        customer = CustomerFactory()
        today = company_today()
        late = _invoice(customer, "filter-late", today - dt.timedelta(days=1))
        due_today = _invoice(customer, "filter-today", today)  # still on time today
        billed = _charge(customer, "filter-billed")
        bill_invoice = charges_bill_now(actor=ACTOR, customer=customer)
        cancelled = _charge(customer, "filter-cancelled")
        charge_cancel(actor=ACTOR, charge=cancelled)
        unbilled = _charge(customer, "filter-unbilled")
    agent = login("a1_cobranca", company=world.a1, branch="a-one-service")

    def numbers(**params):
        body = agent.get(f"{API}invoices/", {"customer": customer.pk, **params}).json()
        return sorted(row["number"] for row in body["results"])

    assert numbers(overdue="true") == [late.number]
    assert numbers(overdue="false") == sorted([due_today.number, bill_invoice.number])

    def charges(state):
        body = agent.get(f"{API}charges/", {"customer": customer.pk, "state": state}).json()
        return [row["id"] for row in body["results"]]

    assert charges("unbilled") == [unbilled.pk]
    assert charges("billed") == [billed.pk]
    assert charges("cancelled") == [cancelled.pk]


def test_number_filter_finds_the_invoice_whatever_the_letter_case(login, world):
    from tenant_apps.parameters.models import DocumentSeries

    with company_context(world.a1):
        DocumentSeries.objects.filter(kind="invoice").update(prefix="Fat-")  # mixed case
        invoice = _invoice(CustomerFactory(), "filter-number", company_today())
        other = _invoice(CustomerFactory(), "filter-other", company_today())
    assert invoice.number.startswith("Fat-")
    agent = login("a1_cobranca", company=world.a1, branch="a-one-service")
    for typed in (invoice.number, invoice.number.upper(), f" {invoice.number.lower()} "):
        body = agent.get(f"{API}invoices/", {"number": typed}).json()
        assert [row["number"] for row in body["results"]] == [invoice.number], typed
    assert other.number != invoice.number
    assert agent.get(f"{API}invoices/", {"number": "Fat-999999"}).json()["results"] == []
