"""Prepaid pages and API: wallets, entries with the running balance, recharges (field error
below the minimum), the 360's panel, permissions and isolation."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from tenant_apps.factories import CustomerFactory
from tenant_apps.prepaid.models import Wallet
from tenants.schemas import company_context

from .helpers import sell_prepaid

pytestmark = pytest.mark.django_db
UI = "/c/a-one/prepaid"
API = "/c/a-one/api/v1"


@pytest.fixture
def cobranca(login, world):
    return login("a1_cobranca", company=world.a1, branch="a-one-service")


@pytest.fixture
def off(world):
    """A prepaid customer whose services went off at activation (0.50: daily value 2.00,
    minimum 30.00)."""
    with company_context(world.a1):
        shop = sell_prepaid(balance="0.50")
        wallet = Wallet.objects.get(customer=shop.customer)
    return shop.customer, wallet


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_recharge_from_the_form_reactivates_and_shows_the_entries(cobranca, off):
    customer, wallet = off
    page = cobranca.get(f"{UI}/recharges/new/?customer={customer.pk}").content.decode()
    assert customer.code in page
    body = {"customer_code": customer.code, "amount": "30.00", "origin": "cash_desk",
            "reference": "", "idempotency_key": form_key(page)}  # fmt: skip
    done = cobranca.post(f"{UI}/recharges/new/", body)
    assert done.status_code == 302 and done.url == f"{UI}/wallets/{wallet.pk}/"
    detail = cobranca.get(done.url).content.decode()
    assert 'data-testid="wallet-entries"' in detail
    assert "28,50" in detail or "28.50" in detail  # 0.50 + 30.00 - 2.00, the running balance
    assert "/invoices/" in detail  # the recharge invoice linked


def test_below_the_minimum_the_form_shows_the_field_error(cobranca, off):
    customer, _wallet = off
    page = cobranca.get(f"{UI}/recharges/new/").content.decode()
    body = {"customer_code": customer.code, "amount": "29.99", "origin": "pix",
            "idempotency_key": form_key(page)}  # fmt: skip
    refused = cobranca.post(f"{UI}/recharges/new/", body)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "minimum recharge" in html or "mínima" in html
    assert 'role="alert"' in html


def test_unknown_customer_is_a_field_error(cobranca):
    page = cobranca.get(f"{UI}/recharges/new/").content.decode()
    body = {"customer_code": "NOPE", "amount": "30", "origin": "pix",
            "idempotency_key": form_key(page)}  # fmt: skip
    refused = cobranca.post(f"{UI}/recharges/new/", body)
    assert refused.status_code == 400


def test_the_wallet_list_searches_and_says_on_or_off(cobranca, off):
    customer, wallet = off
    page = cobranca.get(f"{UI}/").content.decode()
    assert customer.name in page and f"/wallets/{wallet.pk}/" in page
    found = cobranca.get(f"{UI}/?q={customer.code}").content.decode()
    assert customer.name in found
    assert customer.name not in cobranca.get(f"{UI}/?q=zzzz-nobody").content.decode()
    assert customer.name in cobranca.get(f"{UI}/?active=off").content.decode()
    assert customer.name not in cobranca.get(f"{UI}/?active=on").content.decode()


def test_the_360_panel(cobranca, off, world):
    customer, _wallet = off
    c360 = cobranca.get(f"/c/a-one/customers/{customer.pk}/").content.decode()
    assert f"{UI}/customers/{customer.pk}/panel/" in c360
    panel = cobranca.get(f"{UI}/customers/{customer.pk}/panel/").content.decode()
    assert 'data-testid="prepaid-panel"' in panel
    assert 'data-testid="prepaid-recharge"' in panel
    assert "0,50" in panel or "0.50" in panel
    with company_context(world.a1):
        plain = CustomerFactory()
    empty = cobranca.get(f"{UI}/customers/{plain.pk}/panel/")
    assert empty.status_code == 200 and empty.content.decode().strip() == ""


def test_permissions(login, world, off):
    customer, wallet = off
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{UI}/recharges/new/").status_code == 403
    technical = login("a1_cobranca", company=world.a1, branch="a-one-technical")
    refused = technical.post(f"{UI}/recharges/new/", {"customer_code": customer.code,
                                                      "amount": "30", "origin": "pix",
                                                      "idempotency_key": "t"})  # fmt: skip
    assert refused.status_code == 403
    technician = login("a1_tecnico", company=world.a1, branch="a-one-technical")
    assert technician.get(f"{UI}/").status_code == 403
    assert technician.get(f"{UI}/wallets/{wallet.pk}/").status_code == 403
    other = login("b1_admin")
    assert other.get(f"{UI}/wallets/{wallet.pk}/").status_code == 404
    assert other.get(f"{API}/prepaid-wallets/{wallet.pk}/").status_code == 404


# --- API -------------------------------------------------------------------------------------


def post_recharge(client, customer, amount, key="api-1", header=False, **extra):
    body = {"customer": customer.pk, "amount": amount, "origin": "pix", **extra}
    headers = {}
    if header:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    else:
        body["idempotency_key"] = key
    return client.post(f"{API}/recharges/", body, content_type="application/json", **headers)


def test_api_recharge_reactivates_and_replays(cobranca, off):
    customer, wallet = off
    created = post_recharge(cobranca, customer, "50.00", key="hdr-1", header=True)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["invoice_number"] and body["reactivated"] is True
    assert D(body["balance"]) == D("48.50") and body["active"] is True
    assert D(body["charged"]) == D("2.00")
    again = post_recharge(cobranca, customer, "50.00", key="hdr-1", header=True)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["invoice"] == body["invoice"]
    detail = cobranca.get(f"{API}/prepaid-wallets/{wallet.pk}/").json()
    assert D(detail["balance"]) == D("48.50")
    kinds = [(e["kind"], e["amount"], e["running_balance"]) for e in detail["entries"]]
    assert kinds == [("daily", "-2.00", "48.50"), ("recharge", "50.00", "50.50"),
                     ("recharge", "0.50", "0.50")]  # fmt: skip
    assert detail["days_left"] == 24 and D(detail["daily_value"]) == D("2.00")
    listing = cobranca.get(f"{API}/prepaid-wallets/?q={customer.code}").json()
    assert [w["id"] for w in listing["results"]] == [wallet.pk]


def test_api_below_the_minimum_is_400_on_amount(cobranca, off):
    customer, _wallet = off
    refused = post_recharge(cobranca, customer, "29.99", key="low")
    assert refused.status_code == 400
    assert "amount" in refused.json()["fields"]
    missing = post_recharge(cobranca, customer, "30.00", key="")
    assert missing.status_code == 400 and "idempotency_key" in missing.json()["fields"]


def test_api_permissions(login, world, off):
    customer, _wallet = off
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert post_recharge(seller, customer, "30.00", key="s").status_code == 403
    technical = login("a1_cobranca", company=world.a1, branch="a-one-technical")
    assert post_recharge(technical, customer, "30.00", key="t").status_code == 403
    technician = login("a1_tecnico", company=world.a1, branch="a-one-technical")
    assert technician.get(f"{API}/prepaid-wallets/").status_code == 403
