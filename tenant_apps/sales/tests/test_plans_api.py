"""Sales plans API: CRUD of plans, their products, devices, promotions and group plans; filters;
field-level 400s; 403 for a profile without catalog.manage or without a branch; and no other
company (sibling or other operator) sees A1's plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, SESSION_OPERATOR
from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from tenant_apps.factories import (
    CityFactory,
    DeviceModelFactory,
    GroupFactory,
    PlanItemFactory,
    PlanPromotionFactory,
    ProductDeviceFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
)
from tenant_apps.sales.models import GroupPlan, PlanDevice, PlanItem, SalesPlan
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

API = "/c/a-one/api/v1/"
JSON = "application/json"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def a1(world):
    """A1's catalog and one plan with a product, a device, a promotion and a group plan."""
    with company_context(world.a1):
        city = CityFactory(name="Porto Alegre")
        zone = ZoneFactory(city=city, name="Centro")
        ont = DeviceModelFactory(code="ONT-A1")
        internet = ProductFactory(code="NET-300", monthly_price=Decimal("99.90"))
        ProductDeviceFactory(product=internet, device_model=ont)
        tv = ProductFactory(code="TV-BASIC", system="tv", monthly_price=Decimal("59.90"))
        plan = SalesPlanFactory(code="A1-PLAN", name="A1 Plan", valid_from=dt.date(2026, 1, 1))
        item = PlanItemFactory(plan=plan, product=internet, price=Decimal("89.90"))
        device = PlanDevice.objects.create(plan=plan, device_model=ont)
        promotion = PlanPromotionFactory(item=item)
        group = GroupFactory(name="Condomínio Sol")
        group_plan = GroupPlan.objects.create(group=group, plan=plan)
        group_plan.group_items.set([item])
        return SimpleNamespace(
            city=city.pk,
            zone=zone.pk,
            ont=ont.pk,
            internet=internet.pk,
            tv=tv.pk,
            plan=plan.pk,
            item=item.pk,
            device=device.pk,
            promotion=promotion.pk,
            group=group.pk,
            group_plan=group_plan.pk,
        )


def _plan_payload(a1, **overrides):
    data = {
        "code": "NOVO-1",
        "name": "Novo plano",
        "kind": "postpaid",
        "valid_from": "2026-02-01",
        "valid_until": "2026-12-31",
        "customer_types": ["residential", "business"],
        "cities": [a1.city],
        "zones": [a1.zone],
        "max_debt": "100.00",
        "max_overdue_days": 15,
        "installation_fee": "150.00",
        "free_installation": False,
        "is_active": True,
    }
    data.update(overrides)
    return data


def _client_in(world, company, branch_key, username):
    """A client for a new user with the Administrador profile in ``company``."""
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import membership_grant, user_create

    actor = Actor.system("tests")
    user = user_create(actor=actor, username=username, password=world.password)
    membership_grant(
        actor=actor,
        user=user,
        operator=company.operator,
        company=company,
        profiles=AccessProfile.objects.filter(company=company, name="Administrador"),
        branches=[world.branches[branch_key]],
    )
    c = Client()
    c.force_login(user)
    session = c.session
    session[SESSION_OPERATOR] = company.operator_id
    session[SESSION_COMPANY] = company.pk
    session[SESSION_BRANCH] = world.branches[branch_key].pk
    session.save()
    return c


# --- plans -------------------------------------------------------------------------------


def test_create_plan_then_read_its_detail(admin, world, a1):
    """POST creates the plan with its conditions (201); the detail lists products, devices,
    promotions and group plans."""
    response = admin.post(f"{API}plans/", _plan_payload(a1), content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "NOVO-1"
    assert body["cities"] == [a1.city] and body["zones"] == [a1.zone]
    assert body["customer_types"] == ["residential", "business"]
    assert body["max_debt"] == "100.00" and body["items"] == []
    with company_context(world.a1):
        assert AuditEvent.objects.filter(action="plan.create", object_id=str(body["id"])).exists()

    detail = admin.get(f"{API}plans/{a1.plan}/").json()
    assert detail["items"][0]["product"]["code"] == "NET-300"
    assert detail["items"][0]["effective_price"] == "89.90"
    assert detail["devices"][0]["device_model"]["code"] == "ONT-A1"
    assert detail["promotions"][0]["item"] == a1.item
    assert detail["group_plans"] == [
        {
            "id": a1.group_plan,
            "group": a1.group,
            "group_name": "Condomínio Sol",
            "group_items": [a1.item],
        }
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_until": "2026-01-31"}, "valid_until"),
        ({"free_installation": True}, "installation_fee"),
        ({"min_recharge": "20.00"}, "min_recharge"),
        ({"code": "novo 1"}, "code"),
        ({"code": "A1-PLAN"}, "code"),  # taken
        ({"kind": "weekly"}, "kind"),
        ({"customer_types": ["vip"]}, "customer_types"),
        ({"cities": [999999]}, "cities"),
        ({"valid_from": None}, "valid_from"),
        ({"max_debt": "abc"}, "max_debt"),
        ({"max_debt": "-1.00"}, "max_debt"),
        ({"installation_fee": "1.234"}, "installation_fee"),
        ({"kind": "prepaid", "min_recharge": "0.00"}, "min_recharge"),
    ],
)
def test_create_plan_refuses_with_the_field_named(admin, world, a1, overrides, field):
    """Bad input is a 400 naming the field; nothing is written."""
    response = admin.post(f"{API}plans/", _plan_payload(a1, **overrides), content_type=JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    with company_context(world.a1):
        assert not SalesPlan.objects.filter(code="NOVO-1").exists()


def test_patch_plan(admin, world, a1):
    """PATCH changes the given fields; a bad one is a 400 and changes nothing."""
    url = f"{API}plans/{a1.plan}/"
    response = admin.patch(url, {"name": "Renamed", "is_active": False}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["is_active"]) == ("Renamed", False)
    bad = admin.patch(url, {"name": "X", "valid_until": "2025-01-01"}, content_type=JSON)
    assert bad.status_code == 400 and "valid_until" in bad.json()["fields"]
    with company_context(world.a1):
        assert SalesPlan.objects.get(pk=a1.plan).name == "Renamed"
    assert admin.patch(f"{API}plans/999999/", {"name": "X"}, content_type=JSON).status_code == 404
    with company_context(world.a1):
        prepaid = SalesPlanFactory(code="PRE-9", kind="prepaid")
    renamed = admin.patch(f"{API}plans/{prepaid.pk}/", {"name": "Pré"}, content_type=JSON)
    assert renamed.status_code == 200 and renamed.json()["kind"] == "prepaid"  # no default applied


def test_list_filters(admin, world, a1):
    """kind, active and valid_on filter the list; a malformed date is a 400 naming valid_on."""
    with company_context(world.a1):
        SalesPlanFactory(code="PRE-1", kind="prepaid", valid_from=dt.date(2026, 6, 1))
        SalesPlanFactory(
            code="OLD-1", valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2020, 12, 31)
        )
        SalesPlanFactory(code="OFF-1", valid_from=dt.date(2026, 1, 1), is_active=False)

    def codes(query):
        response = admin.get(f"{API}plans/?{query}")
        assert response.status_code == 200, response.json()
        return {p["code"] for p in response.json()["results"]}

    assert codes("") >= {"A1-PLAN", "PRE-1", "OLD-1", "OFF-1"}
    assert codes("kind=prepaid") == {"PRE-1"}
    assert "OFF-1" not in codes("active=true") and "OFF-1" in codes("active=false")
    assert codes("valid_on=2020-06-01") == {"OLD-1"}
    on_march = codes("valid_on=2026-03-01")
    assert {"A1-PLAN", "OFF-1"} <= on_march and not on_march & {"PRE-1", "OLD-1"}
    assert codes("valid_on=2026-03-01&active=true&kind=postpaid") >= {"A1-PLAN"}
    bad = admin.get(f"{API}plans/?valid_on=2026-13-01")
    assert bad.status_code == 400 and "valid_on" in bad.json()["fields"]


# --- items, devices, promotions ------------------------------------------------------------


def test_items_crud(admin, world, a1):
    """Items are listed, added (with the product's devices), edited and removed."""
    base = f"{API}plans/{a1.plan}/items/"
    listed = admin.get(base).json()
    assert [i["id"] for i in listed["results"]] == [a1.item]
    with company_context(world.a1):
        stb = DeviceModelFactory(code="STB-A1")
        ProductDeviceFactory(product_id=a1.tv, device_model=stb, quantity=2)
    created = admin.post(base, {"product": a1.tv, "included": False}, content_type=JSON)
    assert created.status_code == 201, created.json()
    item_id = created.json()["id"]
    assert created.json()["effective_price"] == "59.90"
    devices = admin.get(f"{API}plans/{a1.plan}/devices/").json()["results"]
    assert {(d["device_model"]["code"], d["quantity"]) for d in devices} == {
        ("ONT-A1", 1),
        ("STB-A1", 2),
    }
    duplicate = admin.post(base, {"product": a1.tv}, content_type=JSON)
    assert duplicate.status_code == 400 and "product" in duplicate.json()["fields"]
    patched = admin.patch(f"{base}{item_id}/", {"price": "49.90"}, content_type=JSON)
    assert patched.status_code == 200 and patched.json()["effective_price"] == "49.90"
    bad = admin.patch(f"{base}{item_id}/", {"price": "-1"}, content_type=JSON)
    assert bad.status_code == 400 and "price" in bad.json()["fields"]
    assert admin.delete(f"{base}{item_id}/").status_code == 204
    with company_context(world.a1):
        assert not PlanItem.objects.filter(pk=item_id).exists()
        assert not PlanDevice.objects.filter(plan_id=a1.plan, device_model=stb).exists()
        other = PlanItemFactory()
    # an item of another plan is not found under this plan
    assert admin.delete(f"{base}{other.pk}/").status_code == 404
    assert admin.get(f"{API}plans/999999/items/").status_code == 404


def test_devices_crud(admin, world, a1):
    """Devices are added, their quantity edited (at least 1) and removed."""
    base = f"{API}plans/{a1.plan}/devices/"
    with company_context(world.a1):
        router = DeviceModelFactory(code="RTR-A1")
    created = admin.post(base, {"device_model": router.pk, "quantity": 2}, content_type=JSON)
    assert created.status_code == 201, created.json()
    device_id = created.json()["id"]
    duplicate = admin.post(base, {"device_model": router.pk}, content_type=JSON)
    assert duplicate.status_code == 400 and "device_model" in duplicate.json()["fields"]
    zero = admin.patch(f"{base}{device_id}/", {"quantity": 0}, content_type=JSON)
    assert zero.status_code == 400 and "quantity" in zero.json()["fields"]
    assert (
        admin.patch(f"{base}{device_id}/", {"quantity": 3}, content_type=JSON).json()["quantity"]
        == 3
    )
    assert admin.delete(f"{base}{device_id}/").status_code == 204
    with company_context(world.a1):
        assert list(
            PlanDevice.objects.filter(plan_id=a1.plan).values_list("device_model", flat=True)
        ) == [a1.ont]


def test_promotions_crud(admin, world, a1):
    """Promotions are added on an item of the plan, checked, edited and removed."""
    base = f"{API}plans/{a1.plan}/promotions/"
    with company_context(world.a1):
        foreign = PlanItemFactory()
    payload = {
        "item": a1.item,
        "name": "R$ 10 off",
        "discount_kind": "fixed",
        "value": "10.00",
        "months": 6,
    }
    created = admin.post(base, payload, content_type=JSON)
    assert created.status_code == 201, created.json()
    assert created.json()["product"]["code"] == "NET-300"
    promotion_id = created.json()["id"]
    for bad, field in [
        ({"discount_kind": "percent", "value": "150"}, "value"),
        ({"value": "89.91"}, "value"),  # above the plan's price 89.90
        ({"months": 0}, "months"),
        ({"item": 999999}, "item"),
        ({"item": foreign.pk}, "item"),  # a product of another plan
    ]:
        response = admin.post(base, {**payload, **bad}, content_type=JSON)
        assert response.status_code == 400 and field in response.json()["fields"], (bad, response)
    assert len(admin.get(base).json()["results"]) == 2
    patched = admin.patch(f"{base}{promotion_id}/", {"months": 12}, content_type=JSON)
    assert patched.status_code == 200 and patched.json()["months"] == 12
    assert admin.delete(f"{base}{promotion_id}/").status_code == 204
    assert [p["id"] for p in admin.get(base).json()["results"]] == [a1.promotion]


def test_group_plans_crud(admin, world, a1):
    """Group plans: created with a subset of the plan's items, filtered, edited, removed."""
    base = f"{API}group-plans/"
    with company_context(world.a1):
        group = GroupFactory(name="Shopping Norte")
        foreign = PlanItemFactory()
    created = admin.post(
        base, {"group": group.pk, "plan": a1.plan, "group_items": []}, content_type=JSON
    )
    assert created.status_code == 201, created.json()
    row_id = created.json()["id"]
    listed = admin.get(f"{base}?group={group.pk}").json()["results"]
    assert [r["id"] for r in listed] == [row_id]
    assert {r["id"] for r in admin.get(f"{base}?plan={a1.plan}").json()["results"]} == {
        row_id,
        a1.group_plan,
    }
    bad = admin.patch(f"{base}{row_id}/", {"group_items": [foreign.pk]}, content_type=JSON)
    assert bad.status_code == 400 and "group_items" in bad.json()["fields"]
    dup = admin.post(base, {"group": group.pk, "plan": a1.plan}, content_type=JSON)
    assert dup.status_code == 400 and "plan" in dup.json()["fields"]
    patched = admin.patch(f"{base}{row_id}/", {"group_items": [a1.item]}, content_type=JSON)
    assert patched.status_code == 200
    assert [i["id"] for i in patched.json()["group_items"]] == [a1.item]
    assert admin.delete(f"{base}{row_id}/").status_code == 204
    assert admin.get(f"{base}{row_id}/").status_code == 404


# --- permissions -------------------------------------------------------------------------


def _writes(a1):
    """(method, path, payload) for every write endpoint."""
    p = f"{API}plans/{a1.plan}/"
    return [
        ("post", f"{API}plans/", {"code": "X-1", "name": "X", "valid_from": "2026-01-01"}),
        ("patch", p, {"name": "X"}),
        ("post", f"{p}items/", {"product": a1.tv}),
        ("patch", f"{p}items/{a1.item}/", {"price": "1.00"}),
        ("delete", f"{p}items/{a1.item}/", None),
        ("post", f"{p}devices/", {"device_model": a1.ont}),
        ("patch", f"{p}devices/{a1.device}/", {"quantity": 2}),
        ("delete", f"{p}devices/{a1.device}/", None),
        ("post", f"{p}promotions/", {"item": a1.item, "name": "x", "discount_kind": "percent"}),
        ("patch", f"{p}promotions/{a1.promotion}/", {"months": 2}),
        ("delete", f"{p}promotions/{a1.promotion}/", None),
        ("post", f"{API}group-plans/", {"group": a1.group, "plan": a1.plan}),
        ("patch", f"{API}group-plans/{a1.group_plan}/", {"group_items": []}),
        ("delete", f"{API}group-plans/{a1.group_plan}/", None),
    ]


READS = [
    "plans/",
    "plans/{plan}/",
    "plans/{plan}/items/",
    "plans/{plan}/items/{item}/",
    "plans/{plan}/devices/",
    "plans/{plan}/promotions/",
    "group-plans/",
    "group-plans/{group_plan}/",
]


def _send(client, method, path, payload):
    if payload is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, payload, content_type=JSON)


def test_seller_reads_plans_but_cannot_change_them(login, world, a1):
    """a1_vendedor (customers.view, no catalog.manage) reads every endpoint and gets 403 on
    every write, which changes nothing."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    for path in READS:
        assert seller.get(API + path.format(**vars(a1))).status_code == 200, path
    for method, path, payload in _writes(a1):
        response = _send(seller, method, path, payload)
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.json()["code"] == "function_missing"
    with company_context(world.a1):
        assert SalesPlan.objects.get(pk=a1.plan).name == "A1 Plan"
        assert PlanItem.objects.filter(pk=a1.item).exists()


def test_writing_needs_a_branch_position(login, world, a1):
    """a1_admin with no branch chosen reads, but every write is a 403."""
    admin = login("a1_admin", company=world.a1)
    assert admin.get(f"{API}plans/{a1.plan}/").status_code == 200
    for method, path, payload in _writes(a1):
        response = _send(admin, method, path, payload)
        assert response.status_code == 403, (method, path, response.status_code)
    with company_context(world.a1):
        assert not SalesPlan.objects.filter(code="X-1").exists()


def test_manager_writes_from_a_technical_branch(login, world, a1):
    """catalog.manage works from any branch kind: a1_gerente positioned in the technical
    branch changes a plan."""
    manager = login("a1_gerente", company=world.a1, branch="a-one-technical")
    response = manager.patch(f"{API}plans/{a1.plan}/", {"name": "By manager"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    with company_context(world.a1):
        event = AuditEvent.objects.filter(action="plan.update").latest("id")
        assert event.actor_label == "a1_gerente"
        assert event.branch_id == world.branches["a-one-technical"].pk


# --- isolation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("company", "branch"), [("a2", "a-two-service"), ("b1", "b-one-service")])
def test_other_companies_cannot_see_or_touch_a1_plans(world, a1, company, branch):
    """A sibling company's admin (A2) and another operator's (B1): A1's route is a 404, and
    A1's ids are not found through their own company's endpoints."""
    target = getattr(world, company)
    client = _client_in(world, target, branch, f"{company}_plans_admin")
    own = f"/c/{target.slug}/api/v1/"
    for path in READS:
        assert client.get(API + path.format(**vars(a1))).status_code == 404, path
    for method, path, payload in _writes(a1):
        assert _send(client, method, path, payload).status_code == 404, (method, path)
        own_path = path.replace(API, own)
        if own_path.endswith(("/plans/", "/group-plans/")):
            continue  # creation in their own company is theirs
        assert _send(client, method, own_path, payload).status_code == 404, (method, own_path)
    listed = client.get(f"{own}plans/").json()["results"]
    assert "A1-PLAN" not in {p["code"] for p in listed}
    for path in READS[1:]:
        if path == "group-plans/":
            assert client.get(own + path).json()["results"] == []
            continue
        assert client.get(own + path.format(**vars(a1))).status_code == 404, path
    with company_context(world.a1):
        assert SalesPlan.objects.get(pk=a1.plan).name == "A1 Plan"
