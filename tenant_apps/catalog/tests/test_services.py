"""Catalog services: products and device models validated, typed, audited, retired safely."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from tenant_apps.catalog.models import DeviceModel, Product, ProductDevice
from tenant_apps.catalog.selectors import product_list, products_by_system, provisioning_spec
from tenant_apps.catalog.services import (
    device_model_create,
    device_model_retire,
    device_model_update,
    product_create,
    product_retire,
    product_update,
)

from .factories import DeviceModelFactory, ProductFactory, product_data

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def test_product_create_stores_typed_values_devices_and_audit(in_a1):
    """A product is saved with Decimal money, typed attributes and its device lines; the
    audit trail records the creation with every field."""
    ont = DeviceModelFactory(code="ONT-1")
    router = DeviceModelFactory(code="RTR-1", kind="router")
    product = product_create(
        actor=ACTOR,
        data=product_data(
            monthly_price="119.90",
            provisioning={"speed_profile": "F300", "download_kbps": "300000", "upload_kbps": 1000},
            devices=[
                {"device_model": ont, "quantity": 1},
                {"device_model": router.pk, "quantity": 2},
            ],
        ),
    )
    product.refresh_from_db()
    assert product.monthly_price == Decimal("119.90")
    assert product.provisioning == {
        "speed_profile": "F300",
        "download_kbps": 300000,
        "upload_kbps": 1000,
    }
    lines = {(d.device_model.code, d.quantity) for d in product.devices.all()}
    assert lines == {("ONT-1", 1), ("RTR-1", 2)}
    event = AuditEvent.objects.filter(action="product.create").latest("id")
    assert event.object_id == str(product.pk)
    assert event.changes["monthly_price"] == [None, "119.90"]
    assert event.changes["devices"] == [None, ["ONT-1×1", "RTR-1×2"]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"monthly_price": Decimal("-1")}, "monthly_price"),
        ({"monthly_price": Decimal("1.234")}, "monthly_price"),
        ({"monthly_price": 9.9}, "monthly_price"),
        ({"monthly_price": "abc"}, "monthly_price"),
        ({"daily_cost": Decimal("0.12345")}, "daily_cost"),
        ({"system": "radio"}, "system"),
        ({"role": "extra"}, "role"),
        ({"technology": "carrier-pigeon"}, "technology"),
        ({"code": "lower case"}, "code"),
        (
            {"provisioning": {"speed_profile": "F", "download_kbps": 1, "upload_kbps": 64}},
            "provisioning.download_kbps",
        ),
        ({"devices": [{"device_model": 999999, "quantity": 1}]}, "devices"),
        ({"devices": [{"device_model": None, "quantity": 1}]}, "devices"),
    ],
)
def test_product_create_refuses_bad_input_by_field(in_a1, overrides, field):
    """Bad input is refused with the field named, and nothing is written."""
    before = (Product.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        product_create(actor=ACTOR, data=product_data(**overrides))
    assert field in caught.value.message_dict, caught.value.message_dict
    assert (Product.objects.count(), AuditEvent.objects.count()) == before


def test_device_quantities_and_repeats_are_checked(in_a1):
    """Quantities must be 1..99 and a model may appear once."""
    ont = DeviceModelFactory()
    for devices in (
        [{"device_model": ont, "quantity": 0}],
        [{"device_model": ont, "quantity": 100}],
        [{"device_model": ont, "quantity": "2"}],
        [{"device_model": ont}, {"device_model": ont}],
    ):
        with pytest.raises(ValidationError) as caught:
            product_create(actor=ACTOR, data=product_data(devices=devices))
        assert "devices" in caught.value.message_dict


def test_duplicate_code_is_a_field_error(in_a1):
    """Two products cannot share a code."""
    ProductFactory(code="NET-300")
    with pytest.raises(ValidationError) as caught:
        product_create(actor=ACTOR, data=product_data(code="NET-300"))
    assert "code" in caught.value.message_dict


def test_product_update_changes_only_given_fields_and_audits_the_diff(in_a1):
    """An update touches the keys given; the audit records old and new values."""
    product = product_create(actor=ACTOR, data=product_data())
    product_update(actor=ACTOR, product=product, data={"monthly_price": Decimal("89.90")})
    product.refresh_from_db()
    assert product.monthly_price == Decimal("89.90")
    assert product.name == "Fibra 300"
    event = AuditEvent.objects.filter(action="product.update").latest("id")
    assert event.changes == {"monthly_price": ["99.90", "89.90"]}


def test_changing_the_system_revalidates_the_attributes(in_a1):
    """A product moved to another system must carry that system's attributes."""
    product = product_create(actor=ACTOR, data=product_data())
    with pytest.raises(ValidationError) as caught:
        product_update(actor=ACTOR, product=product, data={"system": "tv"})
    errors = caught.value.message_dict
    assert "provisioning.cas_packages" in errors and "provisioning" in errors
    product.refresh_from_db()
    assert product.system == "internet"
    product_update(
        actor=ACTOR,
        product=product,
        data={"system": "tv", "provisioning": {"cas_packages": "BASIC,HBO"}},
    )
    product.refresh_from_db()
    assert product.provisioning == {"cas_packages": ["BASIC", "HBO"]}


def test_devices_replace_the_list_and_inactive_models_cannot_be_added(in_a1):
    """``devices`` replaces the lines; an inactive model can stay but not be added."""
    old = DeviceModelFactory(code="OLD-1")
    product = product_create(
        actor=ACTOR, data=product_data(devices=[{"device_model": old, "quantity": 1}])
    )
    device_model_update(actor=ACTOR, device_model=old, data={"is_active": False})
    product_update(
        actor=ACTOR, product=product, data={"devices": [{"device_model": old, "quantity": 2}]}
    )
    assert list(product.devices.values_list("quantity", flat=True)) == [2]
    other = DeviceModelFactory(code="OTHER-1", is_active=False)
    with pytest.raises(ValidationError) as caught:
        product_update(actor=ACTOR, product=product, data={"devices": [{"device_model": other}]})
    assert "devices" in caught.value.message_dict
    product_update(actor=ACTOR, product=product, data={"devices": []})
    assert not product.devices.exists()


def test_device_model_retire_deactivates_when_in_use_and_deletes_otherwise(in_a1):
    """A device model a product needs is deactivated, not deleted; an unused one is deleted."""
    used = DeviceModelFactory(code="USED-1")
    product_create(actor=ACTOR, data=product_data(devices=[{"device_model": used}]))
    kept = device_model_retire(actor=ACTOR, device_model=used)
    assert kept is not None and DeviceModel.objects.get(pk=used.pk).is_active is False
    assert AuditEvent.objects.filter(action="device_model.deactivate").exists()
    unused = DeviceModelFactory(code="UNUSED-1")
    assert device_model_retire(actor=ACTOR, device_model=unused) is None
    assert not DeviceModel.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="device_model.delete").exists()


def test_product_retire_deactivates_a_product_in_a_plan(in_a1):
    """A product in a sales plan is deactivated; one never used is deleted with its lines."""
    from tenant_apps.factories import PlanItemFactory

    in_plan = ProductFactory(code="IN-PLAN")
    PlanItemFactory(product=in_plan)
    assert product_retire(actor=ACTOR, product=in_plan) is not None
    assert Product.objects.get(pk=in_plan.pk).is_active is False
    free = product_create(
        actor=ACTOR,
        data=product_data(code="FREE-1", devices=[{"device_model": DeviceModelFactory()}]),
    )
    assert product_retire(actor=ACTOR, product=free) is None
    assert not Product.objects.filter(pk=free.pk).exists()
    assert not ProductDevice.objects.filter(product_id=free.pk).exists()


def test_device_model_create_and_update_are_validated_and_audited(in_a1):
    """Device models are validated (code format, kind) and every change is audited."""
    row = device_model_create(
        actor=ACTOR,
        data={
            "code": "ONT-HW",
            "kind": "ont",
            "vendor": "Huawei",
            "model": "HG8245",
            "serialised": True,
        },
    )
    assert AuditEvent.objects.filter(action="device_model.create", object_id=str(row.pk)).exists()
    device_model_update(actor=ACTOR, device_model=row, data={"model": "HG8145"})
    event = AuditEvent.objects.filter(action="device_model.update").latest("id")
    assert event.changes == {"model": ["HG8245", "HG8145"]}
    with pytest.raises(ValidationError) as caught:
        device_model_create(
            actor=ACTOR, data={"code": "x y", "kind": "toaster", "vendor": "", "model": "M"}
        )
    assert {"code", "kind", "vendor"} <= set(caught.value.message_dict)


def test_selectors_filter_and_group(in_a1):
    """product_list filters by system, role, technology and activity; products_by_system
    lists every system in order with its products."""
    ProductFactory(code="TV-1", system="tv", technology="hfc")
    ProductFactory(code="NET-1", system="internet", role="additional")
    ProductFactory(code="NET-2", system="internet", is_active=False)
    codes = lambda qs: sorted(p.code for p in qs)  # noqa: E731
    assert codes(product_list(system="internet")) == ["NET-1", "NET-2"]
    assert codes(product_list(role="additional")) == ["NET-1"]
    assert codes(product_list(technology="hfc")) == ["TV-1"]
    assert codes(product_list(active=False)) == ["NET-2"]
    groups = products_by_system()
    assert [g.system for g in groups] == ["tv", "internet", "telephony", "vod"]
    assert [p.code for p in groups[0].products] == ["TV-1"]
    assert groups[2].products == []


def test_provisioning_spec_describes_each_system():
    """The spec lists each system's attributes with type, requirement and bounds."""
    spec = {s["system"]: s for s in provisioning_spec()}
    download = next(a for a in spec["internet"]["attributes"] if a["name"] == "download_kbps")
    assert download == {
        "name": "download_kbps",
        "label": str(download["label"]),
        "type": "integer",
        "required": True,
        "minimum": 64,
        "maximum": 100_000_000,
        "choices": [],
    }
    assert spec["tv"]["attributes"][0]["type"] == "codes"
