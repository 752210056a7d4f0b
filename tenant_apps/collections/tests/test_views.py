"""Collections and provisioning pages: list with filters, receive (function and branch kind),
detail with reversal, bank return upload and per-line outcomes, the 360 panel, commands."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenant_apps.collections.models import Payment
from tenant_apps.factories import CustomerFactory
from tenants.schemas import company_context

from .helpers import ACTOR, grace, invoice

pytestmark = pytest.mark.django_db
BASE = "/c/a-one/collections"


@pytest.fixture
def cobranca(login, world):
    return login("a1_cobranca", company=world.a1, branch="a-one-service")


@pytest.fixture
def debtor(world):
    with company_context(world.a1):
        customer = CustomerFactory()
        inv = invoice(customer, "100.00", dt.date(2026, 10, 10))
    return customer, inv


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_receive_a_payment_and_see_what_it_settled(cobranca, world, debtor):
    customer, inv = debtor
    page = cobranca.get(f"{BASE}/payments/new/?customer={customer.pk}")
    assert page.status_code == 200 and customer.code in page.content.decode()
    key = form_key(page.content.decode())
    data = {
        "customer_code": customer.code,
        "amount": "130.00",
        "origin": "cash_desk",
        "received_on": "2026-11-20",
        "idempotency_key": key,
    }
    response = cobranca.post(f"{BASE}/payments/new/", data)
    assert response.status_code == 302
    detail = cobranca.get(response["Location"])
    html = detail.content.decode()
    assert inv.number in html and 'data-testid="credit"' in html
    # the same form posted twice (double click) receives once
    assert cobranca.post(f"{BASE}/payments/new/", data).status_code == 302
    with company_context(world.a1):
        assert Payment.objects.filter(customer=customer).count() == 1
    listing = cobranca.get(f"{BASE}/payments/?customer={customer.pk}&origin=cash_desk")
    assert customer.name in listing.content.decode()
    other = cobranca.get(f"{BASE}/payments/?customer={customer.pk}&origin=card")
    assert customer.name not in other.content.decode()


@pytest.mark.parametrize(
    "change, field_text",
    [
        ({"amount": "0"}, "amount"),
        ({"customer_code": "NOPE"}, "customer_code"),
        ({"customer_code": ""}, "customer_code"),
        ({"received_on": "2026-02-31"}, "received_on"),
    ],
)
def test_bad_payment_form_is_400_with_field_errors(cobranca, debtor, change, field_text):
    customer, _inv = debtor
    data = {
        "customer_code": customer.code,
        "amount": "10.00",
        "origin": "pix",
        "received_on": "2026-11-20",
        "idempotency_key": f"ui-bad-{field_text}-{customer.pk}",
    } | change
    response = cobranca.post(f"{BASE}/payments/new/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_receiving_needs_the_function_and_a_service_branch(login, world, debtor):
    customer, _inv = debtor
    data = {
        "customer_code": customer.code,
        "amount": "10.00",
        "origin": "pix",
        "received_on": "2026-11-20",
        "idempotency_key": "ui-perm",
    }
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{BASE}/payments/").status_code == 403
    assert seller.post(f"{BASE}/payments/new/", data).status_code == 403
    technical = login("a1_cobranca", company=world.a1, branch="a-one-technical")
    assert technical.post(f"{BASE}/payments/new/", data).status_code == 403


def test_reverse_from_the_detail_page(cobranca, login, world, debtor):
    from tenant_apps.collections.services import payment_receive

    customer, inv = debtor
    with company_context(world.a1):
        payment = payment_receive(
            actor=ACTOR,
            amount=inv.total,
            origin="pix",
            received_on=dt.date(2026, 11, 1),
            idempotency_key=f"ui-rev-{customer.pk}",
            customer=customer,
        )
    url = f"{BASE}/payments/{payment.pk}/"
    attendant = login("a1_atendente", company=world.a1, branch="a-one-service")
    page = attendant.get(url)
    assert page.status_code == 200 and 'data-testid="reverse-form"' not in page.content.decode()
    assert attendant.post(url, {"reason": "x"}).status_code == 403
    cobranca = login("a1_cobranca", company=world.a1, branch="a-one-service")
    assert cobranca.post(url, {"reason": ""}).status_code == 400
    assert cobranca.post(url, {"reason": "Estorno"}).status_code == 302
    with company_context(world.a1):
        inv.refresh_from_db()
        assert (inv.status, str(inv.open_amount)) == ("open", "100.00")


def test_bank_return_upload_shows_each_line(
    cobranca, debtor, world, django_capture_on_commit_callbacks
):
    from tenant_apps.collections.models import BankReturn
    from tenant_apps.collections.services import bank_return_process

    _customer, inv = debtor
    data = (
        "invoice_number;amount_paid;paid_on\n"
        f"{inv.number};100,00;20/11/2026\n"
        "NOPE-1;5,00;20/11/2026\n"
        f"{inv.number};zero;20/11/2026\n"
    ).encode()
    # Uploaded without its task running: queued, the page polls its progress.
    queued = cobranca.post(f"{BASE}/bank-returns/", {"file": SimpleUploadedFile("q.csv", data)})
    assert queued.status_code == 302
    html = cobranca.get(queued["Location"]).content.decode()
    assert 'data-status="queued"' in html and 'hx-trigger="every 1s"' in html
    assert "0 / 2" in html  # two records (the third line is an error, reported at once)
    assert 'class="outcome-error" data-testid="line-4"' in html
    with company_context(world.a1):
        batch = BankReturn.objects.get(file_name="q.csv")
        assert bank_return_process(return_id=batch.pk).status == "done"
    partial = cobranca.get(f"{BASE}/bank-returns/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"  # finished: the page reloads with every line
    assert "hx-trigger" not in partial.content.decode()
    html = cobranca.get(queued["Location"]).content.decode()
    assert 'class="outcome-matched" data-testid="line-2"' in html  # its payment posted
    # The same file again, its task run (eagerly): nothing posted twice.
    with django_capture_on_commit_callbacks(execute=True):
        response = cobranca.post(
            f"{BASE}/bank-returns/", {"file": SimpleUploadedFile("ret.csv", data)}
        )
    assert response.status_code == 302
    html = cobranca.get(response["Location"]).content.decode()
    assert 'data-status="done"' in html
    assert 'class="outcome-already" data-testid="line-2"' in html
    assert 'class="outcome-unmatched" data-testid="line-3"' in html
    assert 'class="outcome-error" data-testid="line-4"' in html
    bad = cobranca.post(
        f"{BASE}/bank-returns/", {"file": SimpleUploadedFile("x.csv", b"amount_paid\n1\n")}
    )
    assert bad.status_code == 400
    listing = cobranca.get(f"{BASE}/bank-returns/").content.decode()
    assert "ret.csv" in listing


def test_the_360_panel_says_why_services_are_suspended(cobranca, login, world, debtor):
    from tenant_apps.collections.services import dunning_refresh
    from tenant_apps.customers.tests.factories import subscribe
    from tenant_apps.factories import AddressFactory

    customer, inv = debtor
    with company_context(world.a1):
        grace(10)
        subscribe(customer, AddressFactory(customer=customer), status="active")
        dunning_refresh(actor=ACTOR, customer=customer, today=dt.date(2026, 12, 3))
    page = cobranca.get(f"/c/a-one/customers/{customer.pk}/").content.decode()
    assert f"{BASE}/customers/{customer.pk}/panel/" in page  # loaded by htmx
    panel = cobranca.get(f"{BASE}/customers/{customer.pk}/panel/")
    html = panel.content.decode()
    assert panel.status_code == 200
    assert 'data-testid="suspension"' in html
    assert f"Faturas {inv.number} vencidas desde 2026-10-10" in html
    assert inv.number in html and 'data-testid="receive-payment"' in html
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    seller_panel = seller.get(f"{BASE}/customers/{customer.pk}/panel/").content.decode()
    assert 'data-testid="receive-payment"' not in seller_panel
    assert 'data-testid="dunning-reason"' in seller_panel


def test_provisioning_commands_page(cobranca, login, world, debtor):
    from tenant_apps.collections.services import dunning_refresh
    from tenant_apps.customers.tests.factories import subscribe
    from tenant_apps.factories import AddressFactory

    customer, _inv = debtor
    with company_context(world.a1):
        grace(10)
        sub = subscribe(customer, AddressFactory(customer=customer), status="active")
        dunning_refresh(actor=ACTOR, customer=customer, today=dt.date(2026, 12, 3))
    url = "/c/a-one/provisioning/commands/"
    html = cobranca.get(f"{url}?customer={customer.pk}&action=suspend").content.decode()
    assert sub.product.name in html and customer.name in html
    assert (
        sub.product.name
        not in cobranca.get(f"{url}?customer={customer.pk}&action=resume").content.decode()
    )
    technician = login("a1_tecnico", company=world.a1, branch="a-one-technical")
    assert technician.get(url).status_code == 200
