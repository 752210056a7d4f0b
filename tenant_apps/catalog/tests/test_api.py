"""Catalog API: list, filter, create, patch; field errors; permissions and isolation."""

import pytest

from shared_apps.audit.models import AuditEvent
from tenant_apps.catalog.models import Product
from tenants.schemas import company_context

from .factories import DeviceModelFactory, ProductFactory

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/api/v1/"
PRODUCTS = BASE + "products/"
DEVICES = BASE + "device-models/"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def catalog(world):
    """Three products and two device models in A1."""
    with company_context(world.a1):
        ont = DeviceModelFactory(code="ONT-A", kind="ont", vendor="Acme", model="O1")
        stb = DeviceModelFactory(code="STB-A", kind="stb", vendor="Acme", model="S1")
        net = ProductFactory(code="NET-A", system="internet", technology="ftth")
        tv = ProductFactory(code="TV-A", system="tv", technology="hfc", role="main")
        extra = ProductFactory(
            code="TV-EXTRA", system="tv", technology="hfc", role="additional", is_active=False
        )
        return {"ont": ont, "stb": stb, "net": net, "tv": tv, "extra": extra}


def payload(**overrides):
    data = {
        "code": "NET-500",
        "name": "Fibra 500",
        "system": "internet",
        "role": "main",
        "technology": "ftth",
        "monthly_price": "129.90",
        "daily_cost": "4.3300",
        "provisioning": {"speed_profile": "F500", "download_kbps": 500000, "upload_kbps": 250000},
    }
    data.update(overrides)
    return data


def test_create_product_with_devices_then_read_it(admin, catalog, world):
    """POST creates the product (201) with typed attributes and devices; GET reads it back."""
    response = admin.post(
        PRODUCTS,
        payload(devices=[{"device_model": catalog["ont"].pk, "quantity": 1}]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["monthly_price"] == "129.90"
    assert body["daily_cost"] == "4.3300"
    assert body["provisioning"]["download_kbps"] == 500000
    assert body["devices"] == [
        {"device_model": catalog["ont"].pk, "code": "ONT-A", "name": "Acme O1", "quantity": 1}
    ]
    detail = admin.get(f"{PRODUCTS}{body['id']}/")
    assert detail.status_code == 200 and detail.json()["code"] == "NET-500"
    with company_context(world.a1):
        assert AuditEvent.objects.filter(
            action="product.create", object_id=str(body["id"]), actor_label="a1_admin"
        ).exists()


def test_list_is_paginated_and_filtered(admin, catalog):
    """The list is paginated; system, role, technology and is_active filter it."""
    body = admin.get(PRODUCTS).json()
    assert body["count"] == 3 and {"next", "previous", "results"} <= set(body)

    def codes(query):
        response = admin.get(PRODUCTS + query)
        assert response.status_code == 200, response.json()
        return sorted(p["code"] for p in response.json()["results"])

    assert codes("?system=tv") == ["TV-A", "TV-EXTRA"]
    assert codes("?role=additional") == ["TV-EXTRA"]
    assert codes("?technology=ftth") == ["NET-A"]
    assert codes("?is_active=false") == ["TV-EXTRA"]
    assert codes("?system=tv&is_active=true") == ["TV-A"]
    assert admin.get(PRODUCTS + "?page_size=1").json()["results"].__len__() == 1
    assert admin.get(PRODUCTS + "?system=radio").status_code == 400


def test_patch_changes_price_and_attributes(admin, catalog, world):
    """PATCH changes only the fields given and re-validates the attributes."""
    url = f"{PRODUCTS}{catalog['tv'].pk}/"
    response = admin.patch(
        url,
        {"monthly_price": "59.90", "provisioning": {"cas_packages": ["BASIC", "SPORTS"]}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["monthly_price"] == "59.90"
    assert response.json()["provisioning"] == {"cas_packages": ["BASIC", "SPORTS"]}
    assert response.json()["name"] == catalog["tv"].name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"provisioning": {"speed_profile": "F", "download_kbps": 10, "upload_kbps": 64}},
            "provisioning.download_kbps",
        ),
        ({"provisioning": {"speed_profile": "F", "upload_kbps": 64}}, "provisioning.download_kbps"),
        ({"provisioning": {**payload()["provisioning"], "colour": "red"}}, "provisioning"),
        ({"monthly_price": "-1.00"}, "monthly_price"),
        ({"monthly_price": "1.234"}, "monthly_price"),
        ({"monthly_price": "cheap"}, "monthly_price"),
        ({"daily_cost": "0.00001"}, "daily_cost"),
        ({"devices": [{"device_model": 999999, "quantity": 1}]}, "devices"),
        ({"system": "radio"}, "system"),
        ({"code": "bad code"}, "code"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(admin, catalog, world, overrides, field):
    """Bad provisioning attributes, price or device model: 400 naming the field, nothing
    written."""
    with company_context(world.a1):
        before = Product.objects.count()
    response = admin.post(PRODUCTS, payload(**overrides), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    with company_context(world.a1):
        assert Product.objects.count() == before


def test_unknown_device_model_is_named_in_its_line(admin, catalog):
    """The device line that fails is named (devices → index → device_model)."""
    response = admin.post(
        PRODUCTS,
        payload(
            devices=[
                {"device_model": catalog["ont"].pk, "quantity": 1},
                {"device_model": 999999, "quantity": 1},
            ]
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "device_model" in response.json()["fields"]["devices"]["1"]


def test_patch_with_bad_attributes_is_refused(admin, catalog):
    """PATCH re-validates the attributes against the system (moving to TV needs CAS codes)."""
    response = admin.patch(
        f"{PRODUCTS}{catalog['net'].pk}/", {"system": "tv"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "provisioning.cas_packages" in response.json()["fields"]


def test_provisioning_spec(admin):
    """The spec lists each system's attributes with name, label, type, required and bounds."""
    response = admin.get(PRODUCTS + "provisioning-spec/")
    assert response.status_code == 200
    spec = {s["system"]: s for s in response.json()}
    assert set(spec) == {"tv", "internet", "telephony", "vod"}
    lines = next(a for a in spec["telephony"]["attributes"] if a["name"] == "lines")
    assert (lines["type"], lines["required"], lines["minimum"], lines["maximum"]) == (
        "integer",
        True,
        1,
        30,
    )
    assert lines["label"]


def test_device_models_create_list_filter_patch(admin, catalog):
    """Device models: create (201), filter by kind, patch (deactivate), 400 naming fields."""
    response = admin.post(
        DEVICES,
        {"code": "RTR-X", "kind": "router", "vendor": "TP", "model": "AX10", "serialised": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    kinds = admin.get(DEVICES + "?kind=router").json()["results"]
    assert [d["code"] for d in kinds] == ["RTR-X"]
    response = admin.patch(f"{DEVICES}{pk}/", {"is_active": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert [d["code"] for d in admin.get(DEVICES + "?is_active=false").json()["results"]] == [
        "RTR-X"
    ]
    bad = admin.post(
        DEVICES,
        {"code": "r x", "kind": "toaster", "vendor": "V", "model": "M"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"kind"} <= set(bad.json()["fields"])
    bad = admin.post(
        DEVICES,
        {"code": "r x", "kind": "router", "vendor": "V", "model": "M"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "code" in bad.json()["fields"]


@pytest.mark.parametrize("url", [PRODUCTS, DEVICES])
def test_seller_can_read_but_not_write(login, world, catalog, url):
    """a1_vendedor (customers.view, no catalog.manage) reads the catalog; writing is 403."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(url).status_code == 200
    response = seller.post(url, payload(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "function_missing"
    detail = f"{url}{catalog['net'].pk if url == PRODUCTS else catalog['ont'].pk}/"
    assert seller.patch(detail, {"name": "X"}, content_type="application/json").status_code == 403


def test_writing_needs_a_branch_position(login, world, catalog):
    """An administrator not positioned in a branch reads but cannot write (403)."""
    unpositioned = login("a1_admin", company=world.a1)
    assert unpositioned.get(PRODUCTS).status_code == 200
    response = unpositioned.post(PRODUCTS, payload(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "branch_required"
    response = unpositioned.patch(
        f"{PRODUCTS}{catalog['net'].pk}/", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_other_companies_cannot_see_a1_products(login, world, catalog):
    """A2 (sibling) lists none of A1's products and gets 404 for their ids; operator B's
    administrator gets 404 on A1's endpoints."""
    central = login("a_central", company=world.a2)
    codes = [p["code"] for p in central.get("/c/a-two/api/v1/products/").json()["results"]]
    assert "NET-A" not in codes and "TV-A" not in codes
    with company_context(world.a2):
        clash = Product.objects.filter(pk=catalog["net"].pk).exists()
    if not clash:
        assert central.get(f"/c/a-two/api/v1/products/{catalog['net'].pk}/").status_code == 404
    devices = central.get("/c/a-two/api/v1/device-models/").json()["results"]
    assert "ONT-A" not in [d["code"] for d in devices]

    b_admin = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b_admin.get(PRODUCTS).status_code == 404
    assert b_admin.get(f"{PRODUCTS}{catalog['net'].pk}/").status_code == 404
    assert b_admin.get(DEVICES).status_code == 404
    assert b_admin.get(PRODUCTS + "provisioning-spec/").status_code == 404
    assert b_admin.post(PRODUCTS, payload(), content_type="application/json").status_code == 404
    own = b_admin.get("/c/b-one/api/v1/products/").json()["results"]
    assert "NET-A" not in [p["code"] for p in own]


def test_delete_deletes_unused_and_deactivates_used(admin, catalog, world, login):
    """DELETE removes a product nothing refers to (204); a product in a plan and a device
    model a product needs are deactivated instead (200, is_active false)."""
    from tenant_apps.factories import PlanItemFactory

    with company_context(world.a1):
        PlanItemFactory(product=catalog["tv"])
        used_ont = catalog["ont"]
        catalog["net"].devices.create(device_model=used_ont, quantity=1)
    assert admin.delete(f"{PRODUCTS}{catalog['extra'].pk}/").status_code == 204
    kept = admin.delete(f"{PRODUCTS}{catalog['tv'].pk}/")
    assert kept.status_code == 200 and kept.json()["is_active"] is False
    kept = admin.delete(f"{DEVICES}{used_ont.pk}/")
    assert kept.status_code == 200 and kept.json()["is_active"] is False
    assert admin.delete(f"{DEVICES}{catalog['stb'].pk}/").status_code == 204
    with company_context(world.a1):
        assert not Product.objects.filter(pk=catalog["extra"].pk).exists()
        assert Product.objects.filter(pk=catalog["tv"].pk, is_active=False).exists()
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.delete(f"{PRODUCTS}{catalog['net'].pk}/").status_code == 403


def test_product_list_queries_do_not_grow_with_products(admin, world):
    """Listing products with their device lines costs the same queries for 1 or 20 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with company_context(world.a1):
        ont = DeviceModelFactory(code="ONT-Q")
        first = ProductFactory(code="Q-000")
        first.devices.create(device_model=ont, quantity=1)
    with CaptureQueriesContext(connection) as one:
        assert admin.get(PRODUCTS).status_code == 200
    with company_context(world.a1):
        for n in range(1, 20):
            ProductFactory(code=f"Q-{n:03d}").devices.create(device_model=ont, quantity=2)
    with CaptureQueriesContext(connection) as many:
        body = admin.get(PRODUCTS).json()
    assert body["count"] == 20
    assert len(many.captured_queries) <= len(one.captured_queries)
