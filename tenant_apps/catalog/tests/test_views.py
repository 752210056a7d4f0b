"""Catalog pages: the list by system, product and device-model forms with typed
provisioning fields (htmx fieldset per system), errors with 400, edit rights."""

import pytest

from tenant_apps.catalog.models import DeviceModel, Product
from tenants.schemas import company_context

from .factories import DeviceModelFactory, ProductDeviceFactory, ProductFactory

pytestmark = pytest.mark.django_db

PAGE = "/c/a-one/catalog/"
NEW = PAGE + "products/new/"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def ont(world):
    with company_context(world.a1):
        return DeviceModelFactory(code="ONT-UI", vendor="Acme", model="F1")


def form_data(ont=None, **overrides):
    data = {
        "code": "NET-UI",
        "name": "Fibra UI",
        "system": "internet",
        "role": "main",
        "technology": "ftth",
        "monthly_price": "99.90",
        "daily_cost": "3.3300",
        "is_active": "on",
        "provisioning-speed_profile": "F300",
        "provisioning-download_kbps": "300000",
        "provisioning-upload_kbps": "150000",
        "provisioning-static_ip": "on",
    }
    if ont is not None:
        data[f"devices-model_{ont.pk}"] = "2"
    data.update(overrides)
    return data


def test_catalog_page_groups_products_by_system(admin, world):
    """The page lists each system with its products, and the device models."""
    with company_context(world.a1):
        line = ProductDeviceFactory(
            product=ProductFactory(code="TV-UI", name="TV Básica", system="tv"),
            device_model=DeviceModelFactory(code="STB-UI", kind="stb", vendor="Acme", model="S9"),
        )
        ProductFactory(code="NET-UI2", name="Fibra 300 UI", system="internet")
    page = admin.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    tv = html[html.index('data-testid="system-tv"') : html.index('data-testid="system-internet"')]
    assert "TV Básica" in tv and "Fibra 300 UI" not in tv
    assert "1 × Acme S9" in tv
    assert 'data-testid="device-model-STB-UI"' in html
    assert 'data-testid="new-product"' in html
    assert f'href="/c/a-one/catalog/products/{line.product.pk}/"' in html


def test_seller_sees_the_catalog_without_edit_buttons(login, world):
    """A seller (no catalog.manage) reads the page but gets no edit links and 403 on forms."""
    with company_context(world.a1):
        product = ProductFactory(code="NET-SELL")
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    page = seller.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "NET-SELL" in html
    assert 'data-testid="new-product"' not in html
    assert f"/catalog/products/{product.pk}/" not in html
    assert seller.get(NEW).status_code == 403
    assert seller.post(NEW, form_data()).status_code == 403


def test_product_form_has_typed_fields_and_htmx_system_switch(admin):
    """The form shows the system's attributes as typed inputs (numbers with bounds, a
    checkbox), and the system select fetches the fieldset of the chosen system."""
    html = admin.get(NEW).content.decode()
    assert 'name="provisioning-download_kbps"' in html
    assert 'type="number"' in html and 'min="64"' in html and 'max="100000000"' in html
    assert 'name="provisioning-static_ip"' in html and 'type="checkbox"' in html
    assert 'hx-get="/c/a-one/catalog/products/provisioning-fields/"' in html
    assert 'hx-target="#provisioning-fields"' in html
    assert "<textarea" not in html
    fieldset = admin.get("/c/a-one/catalog/products/provisioning-fields/?system=tv")
    assert fieldset.status_code == 200
    part = fieldset.content.decode()
    assert 'id="provisioning-fields"' in part and 'data-system="tv"' in part
    assert 'name="provisioning-cas_packages"' in part
    assert 'name="provisioning-max_devices"' in part and 'max="16"' in part
    assert "download_kbps" not in part


def test_product_form_saves(admin, world, ont):
    """A valid form creates the product with typed attributes and its devices."""
    response = admin.post(NEW, form_data(ont))
    assert response.status_code == 302, response.content.decode()[:2000]
    with company_context(world.a1):
        product = Product.objects.get(code="NET-UI")
        assert product.provisioning == {
            "speed_profile": "F300",
            "download_kbps": 300000,
            "upload_kbps": 150000,
            "static_ip": True,
        }
        assert [(d.device_model.code, d.quantity) for d in product.devices.all()] == [("ONT-UI", 2)]


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"provisioning-download_kbps": "10"}, "id_provisioning-download_kbps"),
        ({"provisioning-speed_profile": "bad value!"}, "id_provisioning-speed_profile"),
        ({"provisioning-upload_kbps": ""}, "id_provisioning-upload_kbps"),
        ({"monthly_price": "-5"}, "id_monthly_price"),
        ({"monthly_price": "1.234"}, "id_monthly_price"),
        ({"code": "bad code"}, "id_code"),
    ],
)
def test_product_form_shows_errors_with_400(admin, world, overrides, field_id):
    """Bad input re-renders the form (400) with the error next to the field; nothing saved."""
    response = admin.post(NEW, form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field_id}"' in html
    assert "errorlist" in html
    with company_context(world.a1):
        assert not Product.objects.filter(code="NET-UI").exists()


def test_changing_the_system_without_its_attributes_is_refused(admin, world):
    """Posting TV with the Internet fieldset asks for TV's attributes (400, TV fieldset)."""
    response = admin.post(NEW, form_data(system="tv", technology="hfc"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-system="tv"' in html and 'name="provisioning-cas_packages"' in html
    assert "errorlist" in html


def test_product_edit_form_prefills_and_updates(admin, world, ont):
    """The edit form shows the stored attributes and devices and saves changes."""
    with company_context(world.a1):
        product = ProductFactory(
            code="TV-EDIT", system="tv", technology="hfc", provisioning={"cas_packages": ["A", "B"]}
        )
        ProductDeviceFactory(product=product, device_model=ont, quantity=3)
    url = f"{PAGE}products/{product.pk}/"
    html = admin.get(url).content.decode()
    assert 'value="A, B"' in html
    assert f'name="devices-model_{ont.pk}"' in html and 'value="3"' in html
    data = form_data(
        code="TV-EDIT",
        name="TV Editada",
        system="tv",
        technology="hfc",
        **{"provisioning-cas_packages": "A, C", f"devices-model_{ont.pk}": ""},
    )
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with company_context(world.a1):
        product.refresh_from_db()
        assert product.name == "TV Editada"
        assert product.provisioning == {"cas_packages": ["A", "C"]}
        assert not product.devices.exists()
    assert admin.get(f"{PAGE}products/999999/").status_code == 404


def test_device_model_form_saves_and_shows_errors(admin, world):
    """The device-model form creates and edits; bad input gives 400 with the field."""
    new = PAGE + "device-models/new/"
    assert admin.get(new).status_code == 200
    data = {
        "code": "ATA-1",
        "kind": "ata",
        "vendor": "Grandstream",
        "model": "HT802",
        "serialised": "on",
        "is_active": "on",
    }
    assert admin.post(new, data).status_code == 302
    with company_context(world.a1):
        row = DeviceModel.objects.get(code="ATA-1")
    response = admin.post(f"{PAGE}device-models/{row.pk}/", {**data, "model": "HT812"})
    assert response.status_code == 302
    bad = admin.post(new, {**data, "code": "ata 1", "kind": "toaster"})
    assert bad.status_code == 400
    assert 'id="id_code"' in bad.content.decode() and "errorlist" in bad.content.decode()
    with company_context(world.a1):
        assert DeviceModel.objects.get(pk=row.pk).model == "HT812"


def test_forms_need_a_branch_to_save(login, world):
    """An unpositioned administrator may open the form but saving is refused (403)."""
    unpositioned = login("a1_admin", company=world.a1)
    assert unpositioned.get(NEW).status_code == 200
    assert unpositioned.post(NEW, form_data()).status_code == 403


def test_remove_button_deletes_or_deactivates(admin, world, ont):
    """Removing an unused product deletes it; a device model in use is deactivated."""
    with company_context(world.a1):
        product = ProductFactory(code="NET-RM")
        used = ProductFactory(code="NET-USES")
        ProductDeviceFactory(product=used, device_model=ont)
    html = admin.get(f"{PAGE}products/{product.pk}/").content.decode()
    assert f'action="/c/a-one/catalog/products/{product.pk}/retire/"' in html
    assert admin.post(f"{PAGE}products/{product.pk}/retire/").status_code == 302
    assert admin.post(f"{PAGE}device-models/{ont.pk}/retire/").status_code == 302
    with company_context(world.a1):
        assert not Product.objects.filter(pk=product.pk).exists()
        assert DeviceModel.objects.get(pk=ont.pk).is_active is False
    assert admin.post(f"{PAGE}products/999999/retire/").status_code == 404


def test_other_operator_gets_404_on_a1_pages(login, world):
    """Operator B's administrator is not a member of A1: its catalog pages are 404."""
    b_admin = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b_admin.get(PAGE).status_code == 404
    assert b_admin.get(NEW).status_code == 404
    assert b_admin.post(NEW, form_data()).status_code == 404
