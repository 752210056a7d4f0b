"""Sale API: sells and refuses (each condition listed), P3 positions, functions, isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared_apps.audit.actor import Actor
from tenant_apps.parameters.selectors import company_today
from tenant_apps.sales.models import Sale, ServiceRequest, Subscription
from tenant_apps.sales.services.selling import sale_create, subscription_activate
from tenants.schemas import company_context

from .test_selling_services import make_shop, post_debt

pytestmark = pytest.mark.django_db
API = "/c/a-one/api/v1/"
ACTOR = Actor.system("tests")


@pytest.fixture
def seller(login, world):
    return login("a1_vendedor", company=world.a1, branch="a-one-service")


@pytest.fixture
def shop(world):
    with company_context(world.a1):
        return make_shop()


def body(shop, **extra):
    return {
        "customer": shop.customer.pk,
        "address": shop.address.pk,
        "plan": shop.plan.pk,
        **extra,
    }


def sold(world, shop):
    with company_context(world.a1):
        return sale_create(
            actor=ACTOR, customer=shop.customer, address=shop.address, plan=shop.plan
        )


def test_sell_through_the_api(seller, shop, world):
    """POST /sales/ sells: 201 with the contract, pending subscriptions with promotions and
    the installation request; the seller and branch are recorded."""
    response = seller.post(
        f"{API}sales/",
        body(shop, optional_items=[shop.extra_item.pk], idempotency_key="api-1"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"].startswith("CT-")
    assert data["seller_label"] == "a1_vendedor"
    assert data["branch_id"] == world.branches["a-one-service"].pk
    assert data["installation_fee"] == "150.00"
    assert {s["status"] for s in data["subscriptions"]} == {"pending"}
    assert len(data["subscriptions"]) == 3
    internet = next(s for s in data["subscriptions"] if s["product"] == shop.internet.pk)
    assert internet["price"] == "89.90"
    assert internet["promotions"][0]["value"] == "50.00"
    assert [r["kind"] for r in data["requests"]] == ["installation"]
    again = seller.post(
        f"{API}sales/", body(shop, idempotency_key="api-1"), content_type="application/json"
    )
    assert again.status_code == 201 and again.json()["id"] == data["id"]


def test_refused_sale_lists_each_condition(seller, shop, world):
    """A refused sale is a 400 with code sale_refused and one failure per condition (outside
    coverage, past validity, debt, customer type), each with its code, field and message."""
    with company_context(world.a1):
        plan = shop.plan
        plan.valid_until = company_today() - dt.timedelta(days=1)
        plan.customer_types = ["business"]
        plan.max_debt = Decimal("10.00")
        plan.save()
        plan.zones.add(make_shop().zone)
        post_debt(shop.customer, "55.00", 20, "api-debt")
    response = seller.post(f"{API}sales/", body(shop), content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "sale_refused"
    assert [f["code"] for f in data["failures"]] == [
        "plan_expired",
        "customer_type_not_allowed",
        "location_not_covered",
        "debt_above_maximum",
    ]
    assert "55.00" in data["fields"]["customer"][1] and "10.00" in data["fields"]["customer"][1]
    assert "address" in data["fields"] and "plan" in data["fields"]
    with company_context(world.a1):
        assert not Sale.objects.filter(customer=shop.customer).exists()
    check = seller.post(f"{API}sales/check/", body(shop), content_type="application/json")
    assert check.status_code == 200
    assert check.json()["ok"] is False
    assert len(check.json()["failures"]) == 4


def test_check_passes_and_writes_nothing(seller, shop, world):
    """The dry run answers ok with no failures and creates nothing."""
    response = seller.post(f"{API}sales/check/", body(shop), content_type="application/json")
    assert response.json() == {"ok": True, "failures": []}
    with company_context(world.a1):
        assert not Subscription.objects.filter(customer=shop.customer).exists()


def test_bad_input_is_a_field_error(seller, shop, world):
    """Unknown ids, an address of another customer and a wrong optional item: 400 naming
    the field."""
    response = seller.post(f"{API}sales/", body(shop, plan=999999), content_type="application/json")
    assert response.status_code == 400 and "plan" in response.json()["fields"]
    other = make_shop_in(world)
    response = seller.post(
        f"{API}sales/", body(shop, address=other.address.pk), content_type="application/json"
    )
    assert response.status_code == 400 and "address" in response.json()["fields"]
    response = seller.post(
        f"{API}sales/",
        body(shop, optional_items=[other.extra_item.pk]),
        content_type="application/json",
    )
    assert response.status_code == 400 and "optional_items" in response.json()["fields"]


def test_sale_from_a_technical_branch_is_refused(login, world, shop):
    """P3: selling from a technical branch is a 403 that names the branch kind needed."""
    admin = login("a1_admin", company=world.a1, branch="a-one-technical")
    response = admin.post(
        f"{API}sales/", body(shop), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    data = response.json()
    assert data["code"] == "wrong_branch_kind"
    assert "customer-service branch" in data["detail"]
    assert "is a technical branch" in data["detail"]
    check = admin.post(f"{API}sales/check/", body(shop), content_type="application/json")
    assert check.status_code == 403


def test_sale_without_branch_or_function_is_refused(login, world, shop):
    """No branch: 403 asking for a customer-service branch; a profile without sales.sell
    (Atendente) is refused too; reading is allowed to both."""
    nobranch = login("a1_vendedor", company=world.a1)
    response = nobranch.post(f"{API}sales/", body(shop), content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "branch_required"
    assert nobranch.get(f"{API}sales/").status_code == 200
    clerk = login("a1_atendente", company=world.a1, branch="a-one-service")
    response = clerk.post(f"{API}sales/", body(shop), content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "function_missing"


def test_lists_and_filters(seller, shop, world):
    """Sales, subscriptions and service requests are listed and filtered."""
    sale = sold(world, shop)
    other = sold(world, make_shop_in(world))
    response = seller.get(f"{API}sales/", {"customer": shop.customer.pk})
    assert [s["id"] for s in response.json()["results"]] == [sale.pk]
    assert seller.get(f"{API}sales/{sale.pk}/").json()["number"] == sale.number
    subs = seller.get(f"{API}subscriptions/", {"customer": shop.customer.pk, "status": "pending"})
    assert subs.json()["count"] == 2
    assert seller.get(f"{API}subscriptions/", {"address": other.address_id}).json()["count"] == 2
    assert (
        seller.get(
            f"{API}subscriptions/", {"status": "active", "customer": shop.customer.pk}
        ).json()["count"]
        == 0
    )
    sub_id = subs.json()["results"][0]["id"]
    assert seller.get(f"{API}subscriptions/{sub_id}/").json()["sale_number"] == sale.number
    requests = seller.get(
        f"{API}service-requests/", {"kind": "installation", "customer": shop.customer.pk}
    ).json()
    assert requests["count"] == 1 and requests["results"][0]["sale"] == sale.pk
    assert (
        seller.get(
            f"{API}service-requests/", {"kind": "disconnection", "customer": shop.customer.pk}
        ).json()["count"]
        == 0
    )
    assert seller.get(f"{API}subscriptions/", {"status": "nonsense"}).status_code == 400


def make_shop_in(world):
    with company_context(world.a1):
        return make_shop()


def test_activate_by_hand(login, world, shop):
    """A technical supervisor activates by hand with a note; without a note: 400 on note;
    a seller lacks subscriptions.activate: 403."""
    sale = sold(world, shop)
    with company_context(world.a1):
        sub = sale.subscriptions.first()
    today = company_today_in(world)
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    url = f"{API}subscriptions/{sub.pk}/activate/"
    assert (
        seller.post(url, {"on": today, "note": "x"}, content_type="application/json").status_code
        == 403
    )
    supervisor = login("a1_supervisor", company=world.a1, branch="a-one-technical")
    bad = supervisor.post(url, {"on": str(today)}, content_type="application/json")
    assert bad.status_code == 400 and "note" in bad.json()["fields"]
    ok = supervisor.post(
        url, {"on": str(today), "note": "Instalação feita"}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "active" and ok.json()["activated_on"] == str(today)
    again = supervisor.post(
        url, {"on": str(today), "note": "De novo"}, content_type="application/json"
    )
    assert again.status_code == 400 and "status" in again.json()["fields"]


def company_today_in(world):
    with company_context(world.a1):
        return company_today()


def test_cancel_change_plan_additional_and_customer_cancel(login, world, shop):
    """Cancel a product (sales.cancel at a service branch), add an additional, change plan
    and cancel the customer through the API."""
    sale = sold(world, shop)
    today = company_today_in(world)
    with company_context(world.a1):
        for sub in sale.subscriptions.all():
            subscription_activate(actor=ACTOR, subscription=sub, on=today)
        tv = sale.subscriptions.get(product=shop.tv)
        internet = sale.subscriptions.get(product=shop.internet)
    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    added = admin.post(
        f"{API}subscriptions/additionals/",
        {"address": shop.address.pk, "item": shop.extra_item.pk},
        content_type="application/json",
    )
    assert added.status_code == 201, added.json()
    extra = added.json()["subscriptions"][0]
    assert extra["main"] == tv.pk and added.json()["kind"] == "additional"
    removed = admin.post(
        f"{API}subscriptions/{extra['id']}/remove/",
        {"note": "Desistiu"},
        content_type="application/json",
    )
    assert removed.status_code == 200 and removed.json()["status"] == "cancelled"
    bad = admin.post(
        f"{API}subscriptions/{tv.pk}/cancel/", {"reason": "bogus"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    cancelled = admin.post(
        f"{API}subscriptions/{tv.pk}/cancel/",
        {"reason": "price", "note": "Caro"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200
    assert [s["id"] for s in cancelled.json()["cancelled"]] == [tv.pk]
    with company_context(world.a1):
        from tenant_apps.factories import PlanItemFactory, SalesPlanFactory

        new_plan = SalesPlanFactory()
        PlanItemFactory(plan=new_plan, product=shop.internet, price=Decimal("79.90"))
    change = admin.post(
        f"{API}subscriptions/{internet.pk}/change-plan/",
        {"plan": new_plan.pk, "effective_on": str(today)},
        content_type="application/json",
    )
    assert change.status_code == 201, change.json()
    new_sub = change.json()["subscriptions"][0]
    assert (new_sub["status"], new_sub["price"]) == ("active", "79.90")
    past = admin.post(
        f"{API}subscriptions/{new_sub['id']}/change-plan/",
        {"plan": shop.plan.pk, "effective_on": str(today - dt.timedelta(days=2))},
        content_type="application/json",
    )
    assert past.status_code == 400 and "effective_on" in past.json()["fields"]
    gone = admin.post(
        f"{API}customer-cancellations/",
        {"customer": shop.customer.pk, "reason": "moving"},
        content_type="application/json",
    )
    assert gone.status_code == 201
    assert [s["id"] for s in gone.json()["cancelled"]] == [new_sub["id"]]
    with company_context(world.a1):
        kinds = set(
            ServiceRequest.objects.filter(customer=shop.customer).values_list("kind", flat=True)
        )
    assert {"installation", "disconnection"} <= kinds


def test_cancel_from_a_technical_branch_is_refused(login, world, shop):
    """P3 for cancelling: sales.cancel needs a customer-service branch."""
    sale = sold(world, shop)
    with company_context(world.a1):
        sub = sale.subscriptions.first()
    admin = login("a1_admin", company=world.a1, branch="a-one-technical")
    response = admin.post(
        f"{API}subscriptions/{sub.pk}/cancel/", {"reason": "price"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "wrong_branch_kind"
    response = admin.post(
        f"{API}customer-cancellations/",
        {"customer": shop.customer.pk, "reason": "price"},
        content_type="application/json",
    )
    assert response.status_code == 403


ENDPOINTS = [
    ("get", "sales/{sale}/"),
    ("get", "subscriptions/{sub}/"),
    ("post", "subscriptions/{sub}/cancel/"),
    ("post", "subscriptions/{sub}/activate/"),
    ("post", "subscriptions/{sub}/change-plan/"),
    ("post", "subscriptions/{sub}/remove/"),
    ("get", "service-requests/{req}/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_other_companies_cannot_reach_a1_objects(login, world, shop, method, path):
    """Operator B's admin, in its own company, gets 404 for A1's objects (by id); A1's
    admin has no membership in A2 and gets 404 there; nothing changes."""
    sale = sold(world, shop)
    with company_context(world.a1):
        sub = sale.subscriptions.first()
        req = ServiceRequest.objects.get(sale=sale)
    url = path.format(sale=sale.pk, sub=sub.pk, req=req.pk)
    b1 = login("b1_admin", company=world.b1, branch="b-one-service")
    payload = {"reason": "price", "on": "2026-01-01", "note": "x", "effective_on": "2030-01-01"}
    if method == "post":
        response = b1.post(f"/c/b-one/api/v1/{url}", payload, content_type="application/json")
    else:
        response = b1.get(f"/c/b-one/api/v1/{url}")
    assert response.status_code == 404
    assert b1.get(f"/c/a-one/api/v1/{url}").status_code == 404
    a1 = login("a1_admin", company=world.a1, branch="a-one-service")
    assert a1.get(f"/c/a-two/api/v1/{url}").status_code == 404
    with company_context(world.a1):
        assert Subscription.objects.get(pk=sub.pk).status == "pending"


@pytest.mark.parametrize("path", ["sales/", "subscriptions/", "service-requests/"])
def test_lists_of_other_companies_do_not_show_a1(login, world, shop, path):
    """B1's lists never show A1's sales, subscriptions or requests; A1's admin cannot list
    in A2 nor B1 (404)."""
    sold(world, shop)
    b1 = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b1.get(f"/c/b-one/api/v1/{path}").json()["count"] == 0
    a1 = login("a1_admin", company=world.a1, branch="a-one-service")
    assert a1.get(f"{API}{path}").json()["count"] >= 1
    assert a1.get(f"/c/a-two/api/v1/{path}").status_code == 404
    assert a1.get(f"/c/b-one/api/v1/{path}").status_code == 404


def test_b1_cannot_sell_a1_customers(login, world, shop):
    """Posting A1's ids to B1's API finds no such customer there (400 on the fields), and
    A1's data is unchanged."""
    b1 = login("b1_admin", company=world.b1, branch="b-one-service")
    for endpoint in ("sales/", "sales/check/"):
        response = b1.post(
            f"/c/b-one/api/v1/{endpoint}", body(shop), content_type="application/json"
        )
        assert response.status_code == 400
        assert {"customer", "address", "plan"} & set(response.json()["fields"])
    response = b1.post(
        "/c/b-one/api/v1/subscriptions/additionals/",
        {"address": shop.address.pk, "item": shop.extra_item.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"address", "item"} <= set(response.json()["fields"])
    response = b1.post(
        "/c/b-one/api/v1/customer-cancellations/",
        {"customer": shop.customer.pk, "reason": "price"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "customer" in response.json()["fields"]
    with company_context(world.a1):
        assert not Sale.objects.filter(customer=shop.customer).exists()


@pytest.mark.parametrize("path", ["sales/", "subscriptions/", "service-requests/"])
def test_sibling_company_a2_does_not_see_a1(login, world, shop, path):
    """Operator A's central user reads both A1 and A2: in A2 the lists are empty and A1's
    objects are 404, while in A1 they are there."""
    sale = sold(world, shop)
    with company_context(world.a1):
        ids = {
            "sales/": sale.pk,
            "subscriptions/": sale.subscriptions.first().pk,
            "service-requests/": ServiceRequest.objects.get(sale=sale).pk,
        }
    central = login("a_central", company=world.a2)
    assert central.get(f"/c/a-two/api/v1/{path}").json()["count"] == 0
    assert central.get(f"/c/a-two/api/v1/{path}{ids[path]}/").status_code == 404
    central = login("a_central", company=world.a1)
    assert central.get(f"{API}{path}{ids[path]}/").status_code == 200
