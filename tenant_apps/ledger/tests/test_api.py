"""Ledger API: accounts with their balance (the sum of the entries), an account's entries with
the running balance (paged, in posted order, with their documents), permission and isolation."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.factories import CustomerFactory, GroupFactory
from tenant_apps.ledger.models import Account
from tenant_apps.reports.tests.helpers import OCT, invoice, line, pay
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/api/v1"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def accounts(world, db):
    """X: invoice 160, PIX 100, cash desk 30 → balance 30. Group: invoice 25."""
    with company_context(world.a1):
        x = CustomerFactory(name="Xavier")
        group = GroupFactory(name="Condomínio Sol")
        inv = invoice(x, line("160", "tv"), cycle=OCT)
        pix = pay(x, "100", "pix", dt.date(2026, 11, 5), inv)
        pay(x, "30", "cash_desk", dt.date(2026, 11, 6), inv)
        invoice(group, line("25"), cycle=OCT)
        return x, group, inv, pix


def test_accounts_filtered_by_customer_and_group(admin, accounts):
    x, group, inv, _pix = accounts
    body = admin.get(f"{BASE}/accounts/?customer={x.pk}").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row == {
        "id": inv.account_id,
        "customer": x.pk,
        "group": None,
        "holder_name": "Xavier",
        "balance": "30.00",
        "created_at": row["created_at"],
    }
    [g] = admin.get(f"{BASE}/accounts/?group={group.pk}").json()["results"]
    assert (g["group"], g["customer"], g["balance"]) == (group.pk, None, "25.00")
    assert admin.get(f"{BASE}/accounts/?customer=0").status_code == 400


def test_entries_with_running_balance(admin, accounts):
    _x, _group, inv, pix = accounts
    body = admin.get(f"{BASE}/accounts/{inv.account_id}/entries/").json()
    rows = body["results"]
    assert [(r["kind"], r["amount"], r["running_balance"]) for r in rows] == [
        ("invoice", "160.00", "160.00"),
        ("payment", "-100.00", "60.00"),
        ("payment", "-30.00", "30.00"),
    ]
    assert (rows[0]["invoice"], rows[0]["invoice_number"]) == (inv.pk, inv.number)
    assert (rows[1]["payment"], rows[1]["invoice"]) == (pix.pk, None)
    balance = admin.get(f"{BASE}/accounts/?customer={_x.pk}").json()["results"][0]["balance"]
    assert rows[-1]["running_balance"] == balance
    paged = admin.get(f"{BASE}/accounts/{inv.account_id}/entries/?page=2&page_size=2").json()
    assert paged["count"] == 3
    assert [r["running_balance"] for r in paged["results"]] == ["30.00"]


def test_entries_bad_range_is_400(admin, accounts):
    inv = accounts[2]
    response = admin.get(
        f"{BASE}/accounts/{inv.account_id}/entries/?start=2026-12-01&end=2026-11-01"
    )
    assert response.status_code == 400
    assert "end" in response.json()["fields"]


def test_reading_needs_billing_view(login, world, accounts):
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{BASE}/accounts/").status_code == 403
    assert seller.get(f"{BASE}/accounts/{accounts[2].account_id}/entries/").status_code == 403


def test_another_companys_account_is_404(admin, login, world, accounts):
    """An account of company B1 is not found from A1 (each company has its own schema), and
    B1's user reading A1's accounts gets 404 (A1's existence is not disclosed)."""
    from django.test import Client

    with company_context(world.b1):
        customer = CustomerFactory()
        Account.objects.filter(customer=customer).delete()
        other = Account.objects.create(id=987654321, customer=customer)
    with company_context(world.a1):
        assert not Account.objects.filter(pk=other.pk).exists()
    assert admin.get(f"{BASE}/accounts/{other.pk}/entries/").status_code == 404
    b_admin = login("b1_admin", company=world.b1, branch="b-one-service", c=Client())
    assert b_admin.get(f"/c/b-one/api/v1/accounts/{other.pk}/entries/").status_code == 200
    assert b_admin.get(f"{BASE}/accounts/").status_code == 404
    assert b_admin.get(f"{BASE}/accounts/{accounts[2].account_id}/entries/").status_code == 404


def test_balance_is_the_sum_of_entries_with_no_entries(admin, world, db):
    with company_context(world.a1):
        fresh = CustomerFactory()
    [row] = admin.get(f"{BASE}/accounts/?customer={fresh.pk}").json()["results"]
    assert row["balance"] == "0.00"
    assert D(row["balance"]) == 0
