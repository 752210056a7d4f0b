"""One-off charges and credits: billed now on their own invoice (once), cancelled while
unbilled; the charges page and API bill them now."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from tenant_apps.billing.choices import ChargeKind, ChargeSource, InvoiceKind
from tenant_apps.billing.models import Invoice, OneOffCharge
from tenant_apps.billing.services import charge_add, charge_cancel, charges_bill_now
from tenant_apps.factories import CustomerFactory, GroupFactory
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
D = Decimal


def test_charges_bill_now_bills_once(in_a1):
    """The payer's unbilled charges go on one one-off invoice; calling again finds nothing to
    bill; a cancelled charge is left out; a group's charges go on the group's invoice."""
    customer = CustomerFactory()
    add = {"actor": ACTOR, "source": ChargeSource.AGENT, "customer": customer}
    a = charge_add(
        kind=ChargeKind.PENALTY, amount=D("20"), description="Multa", idempotency_key="k1", **add
    )
    b = charge_add(
        kind=ChargeKind.CREDIT, amount=D("5"), description="Créd", idempotency_key="k2", **add
    )
    c = charge_add(
        kind=ChargeKind.OTHER, amount=D("7"), description="X", idempotency_key="k3", **add
    )
    charge_cancel(actor=ACTOR, charge=c)
    inv = charges_bill_now(actor=ACTOR, customer=customer)
    assert inv.kind == InvoiceKind.ONE_OFF and inv.total == D("15.00")
    assert set(inv.lines.values_list("charge_id", flat=True)) == {a.pk, b.pk}
    with pytest.raises(ValidationError) as exc:
        charges_bill_now(actor=ACTOR, customer=customer)
    assert "charges" in exc.value.message_dict
    assert Invoice.objects.filter(customer=customer).count() == 1
    group = GroupFactory()
    charge_add(
        actor=ACTOR,
        kind=ChargeKind.SERVICE,
        amount=D("30"),
        description="Visita",
        source=ChargeSource.SERVICE_ORDER,
        idempotency_key="g1",
        group=group,
    )
    ginv = charges_bill_now(actor=ACTOR, group=group)
    assert ginv.group_id == group.pk and ginv.total == D("30.00")


def test_charge_cancel_only_unbilled(in_a1):
    """A billed charge cannot be cancelled (cancel the invoice); cancelling twice is fine."""
    customer = CustomerFactory()
    charge = charge_add(
        actor=ACTOR,
        kind=ChargeKind.DEVICE_SALE,
        amount=D("199.00"),
        description="Roteador",
        source=ChargeSource.SALE,
        idempotency_key="dev-1",
        customer=customer,
    )
    charges_bill_now(actor=ACTOR, customer=customer)
    with pytest.raises(ValidationError) as exc:
        charge_cancel(actor=ACTOR, charge=charge)
    assert "charge" in exc.value.message_dict
    other = charge_add(
        actor=ACTOR,
        kind=ChargeKind.OTHER,
        amount=D("1.00"),
        description="x",
        source=ChargeSource.AGENT,
        idempotency_key="dev-2",
        customer=customer,
    )
    charge_cancel(actor=ACTOR, charge=other)
    assert charge_cancel(actor=ACTOR, charge=other).cancelled


def test_credits_alone_wait_for_the_next_invoice(in_a1):
    """Credits larger than the charges are not billed now (the total would be negative)."""
    customer = CustomerFactory()
    charge_add(
        actor=ACTOR,
        kind=ChargeKind.CREDIT,
        amount=D("30"),
        description="Crédito",
        source=ChargeSource.AGENT,
        idempotency_key="neg-1",
        customer=customer,
    )
    with pytest.raises(ValidationError) as exc:
        charges_bill_now(actor=ACTOR, customer=customer)
    assert "charges" in exc.value.message_dict
    assert OneOffCharge.objects.get(idempotency_key="neg-1").invoice_id is None


def test_bill_now_page_and_api(login, world):
    """The charges page bills a customer's charges now and opens the invoice; the API bills a
    group's; nothing to bill is a 400 with a field error; a seller is refused."""
    with company_context(world.a1):
        customer, group = CustomerFactory(), GroupFactory()
        for payer, key in ((customer, "c"), (group, "g")):
            charge_add(
                actor=ACTOR,
                kind=ChargeKind.PENALTY,
                amount=D("9.90"),
                description="Multa",
                source=ChargeSource.AGENT,
                idempotency_key=f"bill-{key}",
                **({"customer": payer} if key == "c" else {"group": payer}),
            )
    agent = login("a1_cobranca", company=world.a1, branch="a-one-service")
    page = agent.get("/c/a-one/billing/charges/", {"customer": customer.pk})
    assert 'data-testid="bill-now"' in page.content.decode()
    billed = agent.post("/c/a-one/billing/charges/bill/", {"customer": customer.pk})
    assert billed.status_code == 302
    with company_context(world.a1):
        invoice = Invoice.objects.get(customer=customer)
        assert invoice.kind == InvoiceKind.ONE_OFF and invoice.total == D("9.90")
    assert billed["Location"].endswith(f"/invoices/{invoice.pk}/")
    api = "/c/a-one/api/v1/charges/bill/"
    made = agent.post(api, {"group": group.pk}, content_type="application/json")
    assert made.status_code == 201 and made.json()["total"] == "9.90"
    empty = agent.post(api, {"group": group.pk}, content_type="application/json")
    assert empty.status_code == 400 and "charges" in empty.json()["fields"]
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.post(api, {"group": group.pk}, content_type="application/json").status_code == 403
