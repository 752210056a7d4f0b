"""Customer pages: list with live search, new customer form, the 360 page, edits, groups."""

import pytest

from tenant_apps.customers.models import Customer, Group
from tenant_apps.factories import CustomerFactory, ZoneFactory
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/customers"


def test_list_page_search_and_htmx_partial(admin, world):
    """The list shows a search box; ?q= shows results; an htmx request gets only the partial."""
    with company_context(world.a1):
        CustomerFactory(name="Helena Prado")
        CustomerFactory(name="Otávio Lima")
    page = admin.get(f"{BASE}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="customer-search"' in html and "hx-get" in html
    assert "css/customers.css" in html
    html = admin.get(f"{BASE}/?q=hele").content.decode()
    assert "Helena Prado" in html and "Otávio Lima" not in html
    partial = admin.get(f"{BASE}/?q=otav", HTTP_HX_REQUEST="true").content.decode()
    assert "Otávio Lima" in partial and "<html" not in partial


def test_new_customer_form_labels_and_saves(admin, world):
    """The form labels the tax id CPF / CNPJ; a valid post creates the customer with its
    phone and address and shows its 360 page."""
    page = admin.get(f"{BASE}/new/").content.decode()
    assert "CPF / CNPJ" in page
    with company_context(world.a1):
        zone = ZoneFactory()
    response = admin.post(
        f"{BASE}/new/",
        {
            "kind": "business",
            "name": "Oficina do Zé",
            "tax_id": "11.222.333/0001-81",
            "customer_type": "business",
            "phone": "(51) 98888-7777",
            "zone": zone.pk,
            "street": "Rua da Praia",
            "number": "50",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with company_context(world.a1):
        customer = Customer.objects.get(tax_id="11222333000181")
        assert customer.contacts.get().normalized == "51988887777"
        assert customer.addresses.get().street == "Rua da Praia"
    assert response["Location"].endswith(f"/customers/{customer.pk}/")
    detail = admin.get(response["Location"]).content.decode()
    assert "Oficina do Zé" in detail and "Rua da Praia" in detail


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_id": "529.982.247-24"}, "tax_id"),
        ({"phone": "123"}, "phone"),
        ({"email": "nope"}, "email"),
        ({"street": "Rua sem zona"}, "zone"),
        ({"name": ""}, "name"),
    ],
)
def test_new_customer_form_errors(admin, world, changes, field):
    """Bad input redisplays the form (400) with the error next to the field; nothing saved."""
    data = {
        "kind": "person",
        "name": "Fulano",
        "tax_id": "529.982.247-25",
        "customer_type": "residential",
        **changes,
    }
    with company_context(world.a1):
        count = Customer.objects.count()
    response = admin.post(f"{BASE}/new/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert "errorlist" in response.content.decode()
    with company_context(world.a1):
        assert Customer.objects.count() == count


def test_duplicate_tax_id_error_on_the_form(admin, world):
    """A tax id already used is shown on the tax id field."""
    with company_context(world.a1):
        CustomerFactory(tax_id="52998224725")
    response = admin.post(
        f"{BASE}/new/",
        {"kind": "person", "name": "X", "tax_id": "52998224725", "customer_type": "residential"},
    )
    assert response.status_code == 400
    assert "tax_id" in response.context["form"].errors


def test_360_page_sections(admin, rich):
    """The 360 shows status badge, addresses with products and promotions, balance and debt,
    open requests, contact records with a form, and history."""
    response = admin.get(f"{BASE}/{rich.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for marker in (
        'data-testid="customer-status"',
        "Rua das Acácias",
        "Av. Brasil",
        "Welcome",
        'data-testid="balance"',
        'data-testid="open-requests"',
        'data-testid="record-form"',
        "Question 11",
        'data-testid="history"',
        "badge sub-suspended",
        'class="table-wrap"',
        "<dt>CPF</dt>",
    ):
        assert marker in html, marker
    assert "Question 1<" not in html  # only the 10 most recent records
    assert "style=" not in html


def test_sell_link_only_when_allowed_and_url_exists(admin, login, world, rich):
    """The Sell link points to the sale page with customer and address when the sale URL
    exists and the user may sell; a technician sees no link."""
    from django.urls import NoReverseMatch, reverse

    html = admin.get(f"{BASE}/{rich.pk}/").content.decode()
    try:
        reverse("sale-new", urlconf="config.urls_company")
        exists = True
    except NoReverseMatch:
        exists = False
    if exists:
        with company_context(world.a1):
            first = rich.addresses.order_by("id").first()
        href = f'href="/c/a-one/sales/new/?customer={rich.pk}&amp;address={first.pk}"'
        assert href in html
    else:
        assert 'data-testid="sell"' not in html
    technician = login("a1_tecnico", company=world.a1, branch="a-one-technical")
    assert 'data-testid="sell"' not in technician.get(f"{BASE}/{rich.pk}/").content.decode()


def test_360_unknown_customer_is_404(admin):
    """An unknown customer id: 404."""
    assert admin.get(f"{BASE}/999999/").status_code == 404


def test_contact_record_form(login, world, rich):
    """An attendant records a contact from the 360 page; an empty reason shows the error."""
    client = login("a1_atendente", company=world.a1, branch="a-one-service")
    response = client.post(
        f"{BASE}/{rich.pk}/records/", {"channel": "chat", "reason": "Wants an upgrade"}
    )
    assert response.status_code == 302
    assert "Wants an upgrade" in client.get(f"{BASE}/{rich.pk}/").content.decode()
    bad = client.post(f"{BASE}/{rich.pk}/records/", {"channel": "chat", "reason": ""})
    assert bad.status_code == 400
    assert "reason" in bad.context["record_form"].errors


def test_contact_record_form_refused_without_function(login, world, rich):
    """A seller has no contacts.register: 403, and the form is not shown."""
    client = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert 'data-testid="record-form"' not in client.get(f"{BASE}/{rich.pk}/").content.decode()
    response = client.post(f"{BASE}/{rich.pk}/records/", {"channel": "chat", "reason": "x"})
    assert response.status_code == 403


def test_edit_customer_address_and_contact_pages(admin, world, rich):
    """Edit the customer, add an address and a contact through the pages; errors are shown."""
    assert admin.get(f"{BASE}/{rich.pk}/edit/").status_code == 200
    data = {
        "kind": "person",
        "name": "Maria da Silva Santos",
        "tax_id": rich.tax_id,
        "customer_type": "residential",
    }
    assert admin.post(f"{BASE}/{rich.pk}/edit/", data).status_code == 302
    bad = admin.post(f"{BASE}/{rich.pk}/edit/", {**data, "tax_id": "111"})
    assert bad.status_code == 400 and "tax_id" in bad.context["form"].errors
    with company_context(world.a1):
        zone = ZoneFactory()
    assert admin.get(f"{BASE}/{rich.pk}/addresses/new/").status_code == 200
    response = admin.post(
        f"{BASE}/{rich.pk}/addresses/new/", {"zone": zone.pk, "street": "Rua Nova", "number": "9"}
    )
    assert response.status_code == 302
    bad = admin.post(f"{BASE}/{rich.pk}/addresses/new/", {"street": "Rua Nova", "number": "9"})
    assert bad.status_code == 400 and "zone" in bad.context["form"].errors
    with company_context(world.a1):
        address = rich.addresses.get(street="Rua Nova")
    response = admin.post(
        f"{BASE}/{rich.pk}/addresses/{address.pk}/",
        {"zone": zone.pk, "street": "Rua Velha", "number": "9", "is_active": "on"},
    )
    assert response.status_code == 302
    response = admin.post(f"{BASE}/{rich.pk}/contacts/new/", {"kind": "email", "value": "x@y.com"})
    assert response.status_code == 302
    bad = admin.post(f"{BASE}/{rich.pk}/contacts/new/", {"kind": "phone", "value": "12"})
    assert bad.status_code == 400 and "value" in bad.context["form"].errors
    html = admin.get(f"{BASE}/{rich.pk}/").content.decode()
    assert "Maria da Silva Santos" in html and "Rua Velha" in html and "x@y.com" in html
    with company_context(world.a1):
        contact = rich.contacts.get(normalized="x@y.com")
    assert admin.post(f"{BASE}/{rich.pk}/contacts/{contact.pk}/delete/").status_code == 302
    assert "x@y.com" not in admin.get(f"{BASE}/{rich.pk}/").content.decode()


def test_pages_refuse_writes_without_function_or_position(login, world, rich):
    """A technician cannot open the new-customer form (403); an admin positioned in a technical
    branch cannot post it (403)."""
    tech = login("a1_tecnico", company=world.a1, branch="a-one-technical")
    assert tech.get(f"{BASE}/new/").status_code == 403
    admin_tech = login("a1_admin", company=world.a1, branch="a-one-technical")
    response = admin_tech.post(
        f"{BASE}/new/",
        {"kind": "person", "name": "X", "tax_id": "111.444.777-35", "customer_type": "residential"},
    )
    assert response.status_code == 403


def test_groups_pages(admin, world):
    """Create a group through the page, see it in the list, edit it; errors shown."""
    assert admin.get(f"{BASE}/groups/").status_code == 200
    assert (
        admin.post(f"{BASE}/groups/new/", {"name": "Shopping Sul", "kind": "shopping"}).status_code
        == 302
    )
    assert "Shopping Sul" in admin.get(f"{BASE}/groups/").content.decode()
    with company_context(world.a1):
        group = Group.objects.get(name="Shopping Sul")
    assert (
        admin.post(
            f"{BASE}/groups/{group.pk}/", {"name": "Shopping Sul II", "kind": "shopping"}
        ).status_code
        == 302
    )
    bad = admin.post(f"{BASE}/groups/new/", {"name": "X", "kind": "other", "tax_id": "123"})
    assert bad.status_code == 400 and "tax_id" in bad.context["form"].errors


def test_other_company_users_get_404_on_pages(login, world, rich):
    """B's admin gets 404 on A1's pages; A1's customer does not exist under A2's route."""
    b = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b.get(f"{BASE}/").status_code == 404
    assert b.get(f"{BASE}/{rich.pk}/").status_code == 404
    central = login("a_central", company=None)
    assert central.get(f"/c/a-two/customers/{rich.pk}/").status_code == 404
    assert central.get(f"{BASE}/{rich.pk}/").status_code == 200
