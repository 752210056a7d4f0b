"""Sales plans pages: the list and the plan's page render its conditions, products, devices,
promotions and group plans; the forms save, show their errors with a 400, and are offered only
to users with catalog.manage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tenant_apps.factories import (
    AddressFactory,
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
from tenant_apps.sales.models import (
    GroupPlan,
    PlanDevice,
    PlanItem,
    PlanPromotion,
    Sale,
    SalesPlan,
    Subscription,
)
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/plans/"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def a1(world):
    with company_context(world.a1):
        city = CityFactory(name="Pelotas")
        zone = ZoneFactory(city=city, name="Fragata")
        ont = DeviceModelFactory(code="ONT-UI", vendor="Nokia", model="G-010")
        internet = ProductFactory(code="NET-UI", name="Internet 500", monthly_price=Decimal("120"))
        ProductDeviceFactory(product=internet, device_model=ont)
        tv = ProductFactory(code="TV-UI", name="TV Família", system="tv")
        plan = SalesPlanFactory(
            code="UI-PLAN",
            name="Plano Tela",
            valid_from=dt.date(2026, 1, 1),
            customer_types=["business"],
            max_debt=Decimal("75.00"),
            free_installation=True,
        )
        plan.cities.add(city)
        item = PlanItemFactory(plan=plan, product=internet, price=Decimal("109.90"))
        device = PlanDevice.objects.create(plan=plan, device_model=ont, quantity=1)
        promotion = PlanPromotionFactory(item=item, name="Metade por 3 meses")
        group = GroupFactory(name="Condomínio Lua")
        group_plan = GroupPlan.objects.create(group=group, plan=plan)
        group_plan.group_items.set([item])
        return SimpleNamespace(
            city=city,
            zone=zone,
            ont=ont,
            internet=internet,
            tv=tv,
            plan=plan,
            item=item,
            device=device,
            promotion=promotion,
            group=group,
            group_plan=group_plan,
        )


def _error_on(html: str, field: str) -> bool:
    """Whether the form field ``field`` is rendered with an error list under it."""
    marker = f'id="id_{field}"'
    assert marker in html, field
    return 'class="errorlist"' in html[html.index(marker) :].split('class="field')[0]


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_list_and_detail_render_for_a_seller_without_forms(login, world, a1):
    """A seller reads the list and the plan's page (conditions, prices, devices, promotions,
    group plans) but sees no form."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    listing = _page(seller, BASE)
    assert "UI-PLAN" in listing and 'class="table-wrap"' in listing
    assert f'href="{BASE}" class="active"' in listing  # the menu's entry for url name "plans"
    assert f"{BASE}new/" not in listing
    page = _page(seller, f"{BASE}{a1.plan.pk}/")
    for text in [
        "Plano Tela",
        "Internet 500",
        "109,90",  # pt-BR is the default language
        "Nokia G-010",
        "Metade por 3 meses",
        "Condomínio Lua",
        "Pelotas/RS",
        "75,00",
    ]:
        assert text in page, text
    assert 'data-testid="item-form"' not in page
    assert 'data-testid="plan-edit"' not in page
    assert seller.get(f"{BASE}new/").status_code == 403
    assert seller.get(f"{BASE}{a1.plan.pk}/edit/").status_code == 403
    refused = seller.post(f"{BASE}{a1.plan.pk}/items/", {"product": a1.tv.pk})
    assert refused.status_code == 403
    with company_context(world.a1):
        assert PlanItem.objects.filter(plan=a1.plan).count() == 1


def test_prepaid_plan_shows_its_minimum_recharge(admin, world):
    """A prepaid plan's page shows the minimum recharge, the company's when it has none."""
    with company_context(world.a1):
        own = SalesPlanFactory(code="PRE-OWN", kind="prepaid", min_recharge=Decimal("35.00"))
        default = SalesPlanFactory(code="PRE-DEF", kind="prepaid")
    assert "35,00" in _page(admin, f"{BASE}{own.pk}/")
    page = _page(admin, f"{BASE}{default.pk}/")
    recharge = page[page.index('data-testid="min-recharge"') :].split("</dd>")[0]
    assert "20,00" in recharge and 'class="muted"' in recharge  # marked as the default


def test_admin_sees_every_form(admin, a1):
    """A user with catalog.manage gets the edit link and the add forms, with multi-selects."""
    page = _page(admin, f"{BASE}{a1.plan.pk}/")
    for testid in ["plan-edit", "item-form", "device-form", "promotion-form", "group-form"]:
        assert f'data-testid="{testid}"' in page, testid
    form = _page(admin, f"{BASE}new/")
    assert 'name="customer_types"' in form and 'type="checkbox"' in form
    assert '<select name="cities"' in form and "multiple" in form
    assert '<select name="zones"' in form


def _plan_form(a1, **overrides):
    data = {
        "code": "UI-NEW",
        "name": "Novo pela tela",
        "kind": "postpaid",
        "valid_from": "2026-03-01",
        "valid_until": "",
        "customer_types": ["residential", "business"],
        "cities": [a1.city.pk],
        "zones": [a1.zone.pk],
        "max_debt": "",
        "max_overdue_days": "30",
        "installation_fee": "99.00",
        "min_recharge": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_create_and_edit_plan(admin, world, a1):
    """The plan form saves conditions and multi-selects, then edits them."""
    response = admin.post(f"{BASE}new/", _plan_form(a1))
    assert response.status_code == 302, response.content.decode()[:2000]
    with company_context(world.a1):
        plan = SalesPlan.objects.get(code="UI-NEW")
        assert plan.customer_types == ["residential", "business"]
        assert list(plan.zones.all()) == [a1.zone]
        assert plan.max_overdue_days == 30 and plan.is_active
    assert response["Location"] == f"{BASE}{plan.pk}/"
    assert _page(admin, f"{BASE}{plan.pk}/edit/").count("checked") >= 2
    edited = admin.post(
        f"{BASE}{plan.pk}/edit/",
        _plan_form(a1, name="Renomeado", customer_types=[], zones=[], is_active=""),
    )
    assert edited.status_code == 302
    with company_context(world.a1):
        plan.refresh_from_db()
        assert (plan.name, plan.customer_types, plan.is_active) == ("Renomeado", [], False)
        assert not plan.zones.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_until": "2026-02-01"}, "valid_until"),
        ({"free_installation": "on"}, "installation_fee"),
        ({"min_recharge": "10.00"}, "min_recharge"),
        ({"code": "ui new"}, "code"),
        ({"code": "UI-PLAN"}, "code"),
        ({"valid_from": "not a date"}, "valid_from"),
    ],
)
def test_plan_form_errors_are_shown_with_400(admin, world, a1, overrides, field):
    """A refused plan re-renders the form with the error next to its field; nothing saved."""
    response = admin.post(f"{BASE}new/", _plan_form(a1, **overrides))
    assert response.status_code == 400
    assert _error_on(response.content.decode(), field)
    with company_context(world.a1):
        assert not SalesPlan.objects.filter(code="UI-NEW").exists()


def test_add_item_device_promotion_and_group_plan(admin, world, a1):
    """Each add form saves and comes back to the plan's page."""
    plan_url = f"{BASE}{a1.plan.pk}/"
    with company_context(world.a1):
        stb = DeviceModelFactory(code="STB-UI")
        ProductDeviceFactory(product=a1.tv, device_model=stb)
        router = DeviceModelFactory(code="RTR-UI")
        group = GroupFactory(name="Shopping Sul")
    response = admin.post(
        f"{plan_url}items/", {"product": a1.tv.pk, "price": "", "with_devices": "on"}
    )
    assert response.status_code == 302 and response["Location"] == plan_url
    response = admin.post(f"{plan_url}devices/", {"device_model": router.pk, "quantity": 2})
    assert response.status_code == 302
    with company_context(world.a1):
        tv_item = PlanItem.objects.get(plan=a1.plan, product=a1.tv)
        assert not tv_item.included  # unticked checkbox
        codes = set(PlanDevice.objects.filter(plan=a1.plan).values_list("device_model__code"))
        assert codes == {("ONT-UI",), ("STB-UI",), ("RTR-UI",)}
    response = admin.post(
        f"{plan_url}promotions/",
        {
            "item": tv_item.pk,
            "name": "TV grátis",
            "discount_kind": "percent",
            "value": "100",
            "months": "2",
        },
    )
    assert response.status_code == 302
    response = admin.post(f"{plan_url}groups/", {"group": group.pk, "group_items": [tv_item.pk]})
    assert response.status_code == 302
    page = _page(admin, plan_url)
    assert "TV grátis" in page and "Shopping Sul" in page and "STB-UI" in page
    with company_context(world.a1):
        gp = GroupPlan.objects.get(plan=a1.plan, group=group)
        assert list(gp.group_items.all()) == [tv_item]


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("items/", lambda a1: {"product": a1.internet.pk}, "product"),  # already in the plan
        ("items/", lambda a1: {"product": a1.tv.pk, "price": "-5"}, "price"),
        ("devices/", lambda a1: {"device_model": a1.ont.pk, "quantity": 1}, "device_model"),
        ("devices/", lambda a1: {"device_model": "", "quantity": 1}, "device_model"),
        (
            "promotions/",
            lambda a1: {
                "item": a1.item.pk,
                "name": "x",
                "discount_kind": "percent",
                "value": "150",
                "months": 1,
            },
            "value",
        ),
        (
            "promotions/",
            lambda a1: {
                "item": a1.item.pk,
                "name": "x",
                "discount_kind": "fixed",
                "value": "10",
                "months": 0,
            },
            "months",
        ),
        ("groups/", lambda a1: {"group": a1.group.pk}, None),  # the group already has it
    ],
)
def test_add_forms_show_errors_with_400(admin, world, a1, path, data, field):
    """A refused addition re-renders the plan's page with the errors, and writes nothing."""
    with company_context(world.a1):
        counts = (
            PlanItem.objects.count(),
            PlanDevice.objects.count(),
            PlanPromotion.objects.count(),
            GroupPlan.objects.count(),
        )
    response = admin.post(f"{BASE}{a1.plan.pk}/{path}", data(a1))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist"' in html
    if field:
        assert _error_on(html, field)
    with company_context(world.a1):
        assert counts == (
            PlanItem.objects.count(),
            PlanDevice.objects.count(),
            PlanPromotion.objects.count(),
            GroupPlan.objects.count(),
        )


def test_edit_and_remove_rows(admin, world, a1):
    """Item price and device quantity are edited in their rows; rows are removed."""
    plan_url = f"{BASE}{a1.plan.pk}/"
    prefix = f"item{a1.item.pk}"
    response = admin.post(
        f"{plan_url}items/{a1.item.pk}/", {f"{prefix}-price": "99.00", f"{prefix}-included": "on"}
    )
    assert response.status_code == 302
    bad = admin.post(f"{plan_url}items/{a1.item.pk}/", {f"{prefix}-price": "abc"})
    assert bad.status_code == 400 and 'class="errorlist"' in bad.content.decode()
    dprefix = f"device{a1.device.pk}"
    assert (
        admin.post(f"{plan_url}devices/{a1.device.pk}/", {f"{dprefix}-quantity": 4}).status_code
        == 302
    )
    zero = admin.post(f"{plan_url}devices/{a1.device.pk}/", {f"{dprefix}-quantity": 0})
    assert zero.status_code == 400
    with company_context(world.a1):
        assert PlanItem.objects.get(pk=a1.item.pk).price == Decimal("99.00")
        assert PlanDevice.objects.get(pk=a1.device.pk).quantity == 4
    for path in [
        f"promotions/{a1.promotion.pk}/remove/",
        f"groups/{a1.group_plan.pk}/remove/",
        f"devices/{a1.device.pk}/remove/",
        f"items/{a1.item.pk}/remove/",
    ]:
        assert admin.post(plan_url + path).status_code == 302, path
    with company_context(world.a1):
        assert not PlanItem.objects.filter(plan=a1.plan).exists()
        assert not PlanDevice.objects.filter(plan=a1.plan).exists()
        assert not GroupPlan.objects.filter(plan=a1.plan).exists()


def test_removing_a_sold_item_is_refused_with_a_message(admin, world, a1):
    """A product sold with the plan stays; the page says why."""
    with company_context(world.a1):
        address = AddressFactory()
        sale = Sale.objects.create(
            number="CT-UI",
            kind="new",
            customer=address.customer,
            address=address,
            plan=a1.plan,
            seller_label="tests",
        )
        Subscription.objects.create(
            customer=address.customer,
            address=address,
            sale=sale,
            plan=a1.plan,
            plan_item=a1.item,
            product=a1.internet,
            price=Decimal("109.90"),
            daily_cost=Decimal("0"),
        )
    response = admin.post(
        f"{BASE}{a1.plan.pk}/items/{a1.item.pk}/remove/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "cannot be removed" in response.content.decode()
    with company_context(world.a1):
        assert PlanItem.objects.filter(pk=a1.item.pk).exists()


def test_other_operator_cannot_open_a1_plan_pages(login, world, a1):
    """B1's admin gets 404 on A1's pages, and A1's plan id is not found in B1."""
    other = login("b1_admin", company=world.b1, branch="b-one-service")
    assert other.get(BASE).status_code == 404
    assert other.get(f"{BASE}{a1.plan.pk}/").status_code == 404
    assert other.get(f"/c/b-one/plans/{a1.plan.pk}/").status_code == 404
    assert "UI-PLAN" not in _page(other, "/c/b-one/plans/")
    assert other.post(f"/c/b-one/plans/{a1.plan.pk}/items/", {"product": 1}).status_code == 404
