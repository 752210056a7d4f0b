"""Sale pages: check then confirm, the sale page, cancel/change/activate/add forms, requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared_apps.audit.actor import Actor
from tenant_apps.factories import PlanItemFactory, SalesPlanFactory
from tenant_apps.parameters.selectors import company_today
from tenant_apps.sales.models import Sale, ServiceRequest, Subscription
from tenant_apps.sales.services.selling import sale_create, subscription_activate
from tenants.schemas import company_context

from .test_selling_services import make_shop

pytestmark = pytest.mark.django_db
BASE = "/c/a-one/sales/"
ACTOR = Actor.system("tests")


@pytest.fixture
def shop(world):
    with company_context(world.a1):
        return make_shop()


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


def form_data(shop, **extra):
    return {
        "customer": shop.customer.pk,
        "address": shop.address.pk,
        "plan": shop.plan.pk,
        "idempotency_key": "ui-key-1",
        **extra,
    }


def sold(world, shop, activate=False):
    with company_context(world.a1):
        sale = sale_create(
            actor=ACTOR, customer=shop.customer, address=shop.address, plan=shop.plan
        )
        if activate:
            for sub in sale.subscriptions.all():
                subscription_activate(actor=ACTOR, subscription=sub, on=company_today())
        return sale


def test_sale_page_lists_plans_valid_today(admin, world, shop):
    """GET ?customer=&address= shows the customer, its address preselected and only the plans
    on sale today."""
    with company_context(world.a1):
        expired = SalesPlanFactory(
            name="Plano Vencido", valid_until=company_today() - dt.timedelta(days=1)
        )
    page = admin.get(f"{BASE}new/", {"customer": shop.customer.pk, "address": shop.address.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert shop.customer.name in html
    assert f'value="{shop.address.pk}" selected' in html
    assert shop.plan.name in html
    assert expired.name not in html
    assert shop.extra.name in html  # its optional product


def test_check_then_confirm_sells_once(admin, world, shop):
    """Check shows that every condition is met and offers Confirm; confirming sells and
    redirects to the sale page; a second confirm with the same key sells nothing more."""
    checked = admin.post(f"{BASE}new/", {**form_data(shop), "step": "check"})
    assert checked.status_code == 200
    assert 'data-testid="check-ok"' in checked.content.decode()
    assert 'data-testid="confirm"' in checked.content.decode()
    with company_context(world.a1):
        assert not Sale.objects.filter(customer=shop.customer).exists()
    done = admin.post(
        f"{BASE}new/",
        {**form_data(shop, optional_items=[shop.extra_item.pk]), "step": "confirm"},
    )
    assert done.status_code == 302
    with company_context(world.a1):
        sale = Sale.objects.get(customer=shop.customer)
        assert sale.subscriptions.count() == 3
    assert done["Location"].endswith(f"/sales/{sale.pk}/")
    again = admin.post(f"{BASE}new/", {**form_data(shop), "step": "confirm"})
    assert again.status_code == 302
    with company_context(world.a1):
        assert Sale.objects.filter(customer=shop.customer).count() == 1
    detail = admin.get(f"{BASE}{sale.pk}/").content.decode()
    assert sale.number in detail and shop.internet.name in detail
    assert "Desconto de boas-vindas" in detail


def test_check_shows_each_failed_condition(admin, world, shop):
    """A plan for business customers, past its validity: the check lists both reasons and
    offers no Confirm; a forced confirm is refused too (400) and sells nothing."""
    with company_context(world.a1):
        shop.plan.customer_types = ["business"]
        shop.plan.save()
        shop.zone.technologies = ["hfc"]
        shop.zone.save()
    page = admin.post(f"{BASE}new/", {**form_data(shop), "step": "check"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-code="customer_type_not_allowed"' in html
    assert 'data-code="technology_not_covered"' in html
    assert 'data-testid="confirm"' not in html
    forced = admin.post(f"{BASE}new/", {**form_data(shop), "step": "confirm"})
    assert forced.status_code == 400
    assert 'data-code="customer_type_not_allowed"' in forced.content.decode()
    with company_context(world.a1):
        assert not Sale.objects.filter(customer=shop.customer).exists()


def test_sale_page_refusals(login, world, shop):
    """A technical branch cannot sell (403); a clerk without sales.sell cannot open the page;
    an unknown customer is 404; a missing address is a field error."""
    tech = login("a1_admin", company=world.a1, branch="a-one-technical")
    assert tech.post(f"{BASE}new/", {**form_data(shop), "step": "confirm"}).status_code == 403
    clerk = login("a1_atendente", company=world.a1, branch="a-one-service")
    assert clerk.get(f"{BASE}new/", {"customer": shop.customer.pk}).status_code == 403
    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    assert admin.get(f"{BASE}new/", {"customer": 999999}).status_code == 404
    bad = admin.post(f"{BASE}new/", {**form_data(shop, address=""), "step": "check"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    b1 = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b1.get(f"/c/a-one/sales/new/?customer={shop.customer.pk}").status_code == 404


def test_customer_lookup_by_number(admin, shop):
    """Without ?customer the page asks for the customer number and goes to the sale."""
    page = admin.get(f"{BASE}new/")
    assert page.status_code == 200 and 'name="customer_code"' in page.content.decode()
    found = admin.get(f"{BASE}new/", {"customer_code": shop.customer.code})
    assert found.status_code == 302 and f"customer={shop.customer.pk}" in found["Location"]
    missing = admin.get(f"{BASE}new/", {"customer_code": "NOPE"})
    assert "errorlist" in missing.content.decode()


def test_cancel_product_page(admin, world, shop):
    """The cancel form takes a reason and note and cancels the product (with its
    additionals); a bad reason is a field error."""
    sale = sold(world, shop, activate=True)
    with company_context(world.a1):
        tv = sale.subscriptions.get(product=shop.tv)
    url = f"{BASE}subscriptions/{tv.pk}/cancel/"
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"reason": "bogus"}).status_code == 400
    response = admin.post(url, {"reason": "quality", "note": "Sinal ruim"})
    assert response.status_code == 302
    with company_context(world.a1):
        tv.refresh_from_db()
        assert (tv.status, tv.cancel_reason, tv.cancel_note) == (
            "cancelled",
            "quality",
            "Sinal ruim",
        )
        assert ServiceRequest.objects.filter(customer=shop.customer, kind="disconnection").exists()
    assert admin.post(url, {"reason": "quality"}).status_code == 400  # already cancelled


def test_activate_by_hand_page(login, world, shop):
    """The supervisor activates by hand with a note; a seller cannot open the page."""
    sale = sold(world, shop)
    with company_context(world.a1):
        sub = sale.subscriptions.first()
        today = company_today()
    url = f"{BASE}subscriptions/{sub.pk}/activate/"
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(url).status_code == 403
    supervisor = login("a1_supervisor", company=world.a1, branch="a-one-technical")
    assert supervisor.get(url).status_code == 200
    assert supervisor.post(url, {"on": today.isoformat(), "note": ""}).status_code == 400
    ok = supervisor.post(url, {"on": today.isoformat(), "note": "Parceiro instalou"})
    assert ok.status_code == 302
    with company_context(world.a1):
        assert Subscription.objects.get(pk=sub.pk).status == "active"


def test_change_plan_and_add_and_remove_pages(admin, world, shop):
    """Change plan from a date, add an additional product at the address, remove it."""
    sale = sold(world, shop, activate=True)
    with company_context(world.a1):
        internet = sale.subscriptions.get(product=shop.internet)
        new_plan = SalesPlanFactory(name="Plano Novo")
        PlanItemFactory(plan=new_plan, product=shop.internet, price=Decimal("69.90"))
        today = company_today()
    url = f"{BASE}subscriptions/{internet.pk}/change-plan/"
    page = admin.get(url).content.decode()
    assert "Plano Novo" in page
    response = admin.post(
        url, {"plan": new_plan.pk, "effective_on": today.isoformat(), "idempotency_key": "pc-1"}
    )
    assert response.status_code == 302
    with company_context(world.a1):
        change = Sale.objects.get(idempotency_key="pc-1")
        assert change.subscriptions.get().price == Decimal("69.90")
    add_url = f"{BASE}additionals/new/?address={shop.address.pk}"
    assert shop.extra.name in admin.get(add_url).content.decode()
    refused = admin.post(add_url, {"address": shop.address.pk, "item": shop.extra_item.pk})
    # the plan change ended the TV main product: the additional has no main any more
    assert refused.status_code == 400
    assert 'data-code="main_product_missing"' in refused.content.decode()


def test_additional_add_and_remove_pages(admin, world, shop):
    """With its main product at the address the additional is sold, then removed."""
    sold(world, shop)
    add_url = f"{BASE}additionals/new/?address={shop.address.pk}"
    response = admin.post(
        add_url, {"address": shop.address.pk, "item": shop.extra_item.pk, "idempotency_key": "a-1"}
    )
    assert response.status_code == 302
    with company_context(world.a1):
        extra = Subscription.objects.get(sale__idempotency_key="a-1")
    remove_url = f"{BASE}subscriptions/{extra.pk}/remove/"
    assert admin.get(remove_url).status_code == 200
    assert admin.post(remove_url, {"reason": "other", "note": "Desistiu"}).status_code == 302
    with company_context(world.a1):
        extra.refresh_from_db()
        assert extra.status == "cancelled"


def test_customer_cancel_page_and_requests_list(admin, world, shop):
    """Cancelling the customer cancels all its products; the requests list filters by kind."""
    sold(world, shop, activate=True)
    url = f"{BASE}customers/{shop.customer.pk}/cancel/"
    page = admin.get(url).content.decode()
    assert shop.internet.name in page
    assert admin.post(url, {"reason": "moving"}).status_code == 302
    with company_context(world.a1):
        assert (
            not Subscription.objects.filter(customer=shop.customer)
            .exclude(status="cancelled")
            .exists()
        )
    assert admin.post(url, {"reason": "moving"}).status_code == 400  # nothing left
    listing = admin.get(
        f"{BASE}service-requests/", {"kind": "disconnection", "customer": shop.customer.pk}
    )
    html = listing.content.decode()
    assert listing.status_code == 200 and shop.customer.name in html
    installs = admin.get(
        f"{BASE}service-requests/", {"kind": "device_change", "customer": shop.customer.pk}
    )
    assert shop.customer.name not in installs.content.decode()
    assert admin.get(f"{BASE}service-requests/", {"kind": "nonsense"}).status_code == 400
    subs = admin.get(f"{BASE}subscriptions/", {"customer": shop.customer.pk})
    assert subs.status_code == 200 and shop.tv.name in subs.content.decode()
    assert admin.get(BASE).status_code == 200


def test_pages_of_a1_are_not_reachable_from_other_companies(login, world, shop):
    """B1's admin gets 404 on A1's pages, and B1's own pages do not show A1's objects."""
    sale = sold(world, shop)
    b1 = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b1.get(f"{BASE}{sale.pk}/").status_code == 404
    assert b1.get(f"/c/b-one/sales/{sale.pk}/").status_code == 404
    with company_context(world.a1):
        sub = sale.subscriptions.first()
    assert b1.get(f"/c/b-one/sales/subscriptions/{sub.pk}/cancel/").status_code == 404
    assert b1.get(f"/c/b-one/sales/customers/{shop.customer.pk}/cancel/").status_code == 404
    assert shop.customer.name not in b1.get("/c/b-one/sales/service-requests/").content.decode()


def test_choosing_a_plan_shows_only_its_optional_products(admin, world, shop):
    """With ?plan= (what the plan select's htmx reload sends) only that plan's optional
    products are offered; the select carries the reload attributes."""
    with company_context(world.a1):
        other = make_shop()
    url = f"{BASE}new/"
    every = admin.get(url, {"customer": shop.customer.pk}).content.decode()
    assert shop.extra.name in every and other.extra.name in every
    assert 'hx-get="/c/a-one/sales/new/"' in every
    one = admin.get(
        url, {"customer": shop.customer.pk, "address": shop.address.pk, "plan": shop.plan.pk}
    ).content.decode()
    assert shop.extra.name in one and other.extra.name not in one
    assert 'id="sale-form"' in one
