"""Collections and provisioning API: receive, read, reverse, bank returns, dunning events,
provisioning commands; permissions (function and branch kind), field errors, isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenant_apps.factories import CustomerFactory
from tenants.schemas import company_context

from .helpers import invoice

pytestmark = pytest.mark.django_db
BASE = "/c/a-one/api/v1"


@pytest.fixture
def cobranca(login, world):
    return login("a1_cobranca", company=world.a1, branch="a-one-service")


@pytest.fixture
def setup(world):
    with company_context(world.a1):
        customer = CustomerFactory()
        old = invoice(customer, "100.00", dt.date(2026, 10, 10))
        new = invoice(customer, "60.00", dt.date(2026, 11, 10))
    return customer, old, new


def receive(client, payer, amount="120.00", key="api-1", **extra):
    body = {
        "customer": payer.pk,
        "amount": amount,
        "origin": "pix",
        "received_on": "2026-11-20",
        "idempotency_key": f"{key}-{payer.pk}",
    }
    return client.post(f"{BASE}/payments/", body | extra, content_type="application/json")


def test_receive_read_and_reverse(cobranca, setup):
    customer, old, new = setup
    response = receive(cobranca, customer)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(a["invoice_number"], a["amount"]) for a in body["allocations"]] == [
        (old.number, "100.00"),
        (new.number, "20.00"),
    ]
    assert body["credit"] == "0.00" and body["branch_label"]
    again = receive(cobranca, customer)
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    listed = cobranca.get(f"{BASE}/payments/?customer={customer.pk}&origin=pix").json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]
    assert (
        cobranca.get(f"{BASE}/payments/?origin=card&customer={customer.pk}").json()["results"] == []
    )
    detail = cobranca.get(f"{BASE}/payments/{body['id']}/")
    assert detail.status_code == 200 and len(detail.json()["allocations"]) == 2
    bad = cobranca.post(
        f"{BASE}/payments/{body['id']}/reverse/", {}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    reversed_ = cobranca.post(
        f"{BASE}/payments/{body['id']}/reverse/",
        {"reason": "Estorno PIX"},
        content_type="application/json",
    )
    assert reversed_.status_code == 200
    assert reversed_.json()["status"] == "reversed"
    assert sorted(a["amount"] for a in reversed_.json()["allocations"]) == [
        "-100.00",
        "-20.00",
        "100.00",
        "20.00",
    ]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"origin": "bitcoin"}, "origin"),
        ({"received_on": "31/02/2026"}, "received_on"),
        ({"customer": None}, "customer"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
def test_field_errors_are_400(cobranca, setup, payload, field):
    customer, _old, _new = setup
    response = receive(cobranca, customer, key=f"bad-{field}", **payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]


def test_messages_are_in_portuguese(cobranca, setup):
    customer, _old, _new = setup
    response = cobranca.post(
        f"{BASE}/payments/", {"customer": customer.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["amount"] == ["Este campo é obrigatório."]


def test_receiving_needs_the_function_and_a_service_branch(login, world, setup):
    customer, _old, _new = setup
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{BASE}/payments/").status_code == 403
    assert receive(seller, customer, key="seller").status_code == 403
    technical = login("a1_cobranca", company=world.a1, branch="a-one-technical")
    refused = receive(technical, customer, key="tech")
    assert refused.status_code == 403
    attendant = login("a1_atendente", company=world.a1, branch="a-one-service")
    assert attendant.get(f"{BASE}/payments/").status_code == 200
    assert attendant.get(f"{BASE}/bank-returns/").status_code == 403
    assert attendant.get(f"{BASE}/dunning-events/").status_code == 200


def test_another_companys_payment_is_404(login, world, cobranca, setup):
    customer, _old, _new = setup
    payment_id = receive(cobranca, customer, key="iso").json()["id"]
    other = login("a1_admin", company=world.a2, branch=None)
    assert other.get(f"/c/a-two/api/v1/payments/{payment_id}/").status_code == 404
    outsider = login("b1_admin", company=world.b1, branch="b-one-service")
    assert outsider.get(f"{BASE}/payments/{payment_id}/").status_code == 404


def test_bank_return_upload_and_detail(cobranca, setup, django_capture_on_commit_callbacks):
    _customer, old, _new = setup
    data = (
        "invoice_number;amount_paid;paid_on\n"
        f"{old.number};100,00;20/11/2026\n"
        "NOPE-1;5,00;20/11/2026\n"
    ).encode()
    with django_capture_on_commit_callbacks() as callbacks:  # the import task, not run yet
        response = cobranca.post(
            f"{BASE}/bank-returns/", {"file": SimpleUploadedFile("ret.csv", data)}
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["progress"], body["records"], body["lines"]) == (
        "queued",
        0,
        2,
        [],
    )
    for callback in callbacks:
        callback()  # the task runs (eagerly here)
    detail = cobranca.get(f"{BASE}/bank-returns/{body['id']}/").json()
    assert (detail["status"], detail["progress"], detail["records_done"]) == ("done", 100, 2)
    assert (detail["matched"], detail["unmatched"]) == (1, 1)
    assert [line["outcome"] for line in detail["lines"]] == ["matched", "unmatched"]
    assert detail["lines"][0]["payment"]
    assert cobranca.get(f"{BASE}/bank-returns/").json()["count"] >= 1
    bad = cobranca.post(
        f"{BASE}/bank-returns/", {"file": SimpleUploadedFile("x.csv", b"amount_paid\n1\n")}
    )
    assert bad.status_code == 400 and "file" in bad.json()["fields"]


def test_dunning_events_and_provisioning_commands(cobranca, world, setup):
    from tenant_apps.collections.services import dunning_refresh
    from tenant_apps.customers.tests.factories import subscribe
    from tenant_apps.factories import AddressFactory

    from .helpers import ACTOR, grace

    customer, _old, _new = setup
    with company_context(world.a1):
        grace(10)
        sub = subscribe(customer, AddressFactory(customer=customer), status="active")
        dunning_refresh(actor=ACTOR, customer=customer, today=dt.date(2026, 12, 3))
    events = cobranca.get(f"{BASE}/dunning-events/?customer={customer.pk}").json()["results"]
    assert [e["kind"] for e in events] == ["suspend"]
    assert "vencidas desde 2026-10-10" in events[0]["reason"]  # pt-BR, the company's
    commands = cobranca.get(
        f"{BASE}/provisioning-commands/?customer={customer.pk}&action=suspend"
    ).json()["results"]
    assert [(c["subscription"], c["action"], c["status"]) for c in commands] == [
        (sub.pk, "suspend", "pending")
    ]
    assert cobranca.get(f"{BASE}/provisioning-commands/?status=nope").status_code == 400
