"""Reports as JSON: the same figures as the pages, 400 naming the field on a bad filter,
403 without billing.view."""

import datetime as dt

import pytest

from tenant_apps.factories import CustomerFactory
from tenants.schemas import company_context

from .helpers import OCT, invoice, line, pay, taxes

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/api/v1/reports"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def figures(world, db):
    with company_context(world.a1):
        taxes()
        x = CustomerFactory(name="Xavier")
        a = invoice(
            x, line("100", "tv"), line("50", "internet"), cycle=OCT, due_on=dt.date(2026, 11, 10)
        )
        pay(x, "100", "pix", dt.date(2026, 11, 5), a)
        return x, a


def test_billing(admin, figures):
    body = admin.get(f"{BASE}/billing/?cycle_from=2026-10-01").json()
    assert [(r["cycle"], r["system"], r["total"]) for r in body["rows"]] == [
        ("2026-10-01", "internet", "50.00"),
        ("2026-10-01", "tv", "110.00"),
    ]
    assert body["cycles"][0]["invoices"] == 1
    assert body["totals"]["net_total"] == "160.00"


def test_collections(admin, figures):
    body = admin.get(f"{BASE}/collections/?start=2026-11-01&end=2026-11-30&group_by=month").json()
    [row] = body["rows"]
    assert (row["period"], row["origin"], row["payments"], row["amount"]) == (
        "2026-11-01",
        "pix",
        1,
        "100.00",
    )
    assert row["systems"] == {"tv": "68.75", "internet": "31.25"}
    assert body["totals"]["amount"] == "100.00"
    assert body["group_by"] == "month"


def test_ageing(admin, figures):
    x = figures[0]
    body = admin.get(f"{BASE}/ageing/?as_of=2026-12-03").json()
    assert body["as_of"] == "2026-12-03"
    assert body["totals"]["amounts"] == {
        "not_due": "0.00",
        "d0_30": "60.00",
        "d31_60": "0.00",
        "d61_90": "0.00",
        "d90_plus": "0.00",
    }
    assert [(r["customer"], r["name"], r["total"]) for r in body["rows"]] == [
        (x.pk, "Xavier", "60.00")
    ]
    assert body["payers"] == 1


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("billing/?cycle_from=2026-12-01&cycle_to=2026-11-01", "cycle_to"),
        ("collections/?start=2026-12-01&end=2026-11-01", "end"),
        ("collections/?start=2024-01-01&end=2026-11-01", "group_by"),
        ("collections/?group_by=week", "group_by"),
        ("ageing/?as_of=tomorrow", "as_of"),
        ("ageing/?top=501", "top"),
    ],
)
def test_bad_filters(admin, path, field):
    response = admin.get(f"{BASE}/{path}")
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize("name", ["billing", "collections", "ageing"])
def test_needs_billing_view(login, world, name):
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{BASE}/{name}/").status_code == 403
    cashier = login("a1_cobranca", company=world.a1, branch="a-one-service")
    assert cashier.get(f"{BASE}/{name}/").status_code == 200
