"""Customers API: list/search, create, detail, patch, contacts, addresses, groups, contact
records, the 360 overview (at most 10 statements), permissions and isolation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.audit.models import AuditEvent
from tenant_apps.customers.models import Customer
from tenant_apps.factories import CustomerFactory, GroupFactory, ZoneFactory
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/api/v1"
CPF = "529.982.247-25"


def _create_payload(**extra):
    return {
        "kind": "person",
        "name": "Maria da Silva",
        "tax_id": CPF,
        "customer_type": "residential",
        **extra,
    }


def test_create_with_contacts_and_address(admin, world):
    """POST registers the customer with its contacts and first address: 201, number issued."""
    with company_context(world.a1):
        zone = ZoneFactory()
    response = admin.post(
        f"{BASE}/customers/",
        _create_payload(
            contacts=[{"kind": "mobile", "value": "(51) 99999-0000", "is_primary": True}],
            address={"zone": zone.pk, "street": "Rua A", "number": "1"},
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tax_id"] == "52998224725"
    assert body["status"] == "prospect"
    assert body["code"]
    contacts = admin.get(f"{BASE}/customers/{body['id']}/contacts/").json()
    assert [c["normalized"] for c in contacts] == ["51999990000"]
    addresses = admin.get(f"{BASE}/customers/{body['id']}/addresses/").json()
    assert [a["street"] for a in addresses] == ["Rua A"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_create_payload(tax_id="529.982.247-24"), "tax_id"),
        (_create_payload(kind="robot"), "kind"),
        (_create_payload(customer_type="alien"), "customer_type"),
        (_create_payload(name=""), "name"),
        (_create_payload(birth_date="31/02/2000"), "birth_date"),
        (_create_payload(contacts=[{"kind": "email", "value": "nope"}]), "contacts.0.value"),
        (_create_payload(address={"zone": 999999, "street": "R", "number": "1"}), "address"),
    ],
)
def test_create_rejects_bad_input_by_field(admin, world, payload, field):
    """Bad input is a 400 naming the field; nothing is written."""
    with company_context(world.a1):
        count = Customer.objects.count()
    response = admin.post(f"{BASE}/customers/", payload, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    with company_context(world.a1):
        assert Customer.objects.count() == count


def test_duplicate_tax_id_is_400_on_tax_id(admin):
    """A second customer with the same tax id: 400 on tax_id."""
    assert (
        admin.post(
            f"{BASE}/customers/", _create_payload(), content_type="application/json"
        ).status_code
        == 201
    )
    response = admin.post(
        f"{BASE}/customers/", _create_payload(name="Outra"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "tax_id" in response.json()["fields"]


def test_list_search_and_filters(admin, world):
    """?q= uses the search; status, customer_type and kind filter; bad filter values: 400."""
    with company_context(world.a1):
        CustomerFactory(name="Zeca Pagodinho", search_name="zeca pagodinho")
        CustomerFactory(name="Zélia Duncan", kind="business", customer_type="business")
    names = [c["name"] for c in admin.get(f"{BASE}/customers/?q=ze").json()["results"]]
    assert names == ["Zeca Pagodinho", "Zélia Duncan"]
    names = [
        c["name"] for c in admin.get(f"{BASE}/customers/?q=ze&kind=business").json()["results"]
    ]
    assert names == ["Zélia Duncan"]
    body = admin.get(f"{BASE}/customers/?customer_type=business").json()
    assert [c["name"] for c in body["results"]] == ["Zélia Duncan"]
    assert body["count"] == 1
    response = admin.get(f"{BASE}/customers/?status=sleeping")
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_detail_and_patch(admin, world):
    """GET the customer; PATCH edits it (audited); the status cannot be set; a bad tax id: 400."""
    with company_context(world.a1):
        customer = CustomerFactory(name="Ana")
    url = f"{BASE}/customers/{customer.pk}/"
    assert admin.get(url).json()["name"] == "Ana"
    response = admin.patch(
        url, {"name": "Ana Maria", "status": "active"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Ana Maria"
    assert response.json()["status"] == "prospect"
    response = admin.patch(url, {"tax_id": "000"}, content_type="application/json")
    assert response.status_code == 400
    assert "tax_id" in response.json()["fields"]
    with company_context(world.a1):
        assert AuditEvent.objects.filter(
            action="customers.update", object_id=str(customer.pk)
        ).exists()
    assert admin.get(f"{BASE}/customers/999999/").status_code == 404


def test_contacts_sub_resource(admin, world):
    """Add a contact (phone normalized), refuse a bad one on value, delete one."""
    with company_context(world.a1):
        customer = CustomerFactory()
    url = f"{BASE}/customers/{customer.pk}/contacts/"
    response = admin.post(
        url, {"kind": "phone", "value": "51 3333-1111"}, content_type="application/json"
    )
    assert response.status_code == 201
    contact_id = response.json()["id"]
    assert response.json()["normalized"] == "5133331111"
    bad = admin.post(url, {"kind": "email", "value": "x@"}, content_type="application/json")
    assert bad.status_code == 400 and "value" in bad.json()["fields"]
    assert admin.delete(f"{url}{contact_id}/").status_code == 204
    assert admin.get(url).json() == []
    assert admin.delete(f"{url}{contact_id}/").status_code == 404


def test_addresses_sub_resource(admin, world):
    """Add an address (zone required), patch it, a missing zone is a 400 on zone."""
    with company_context(world.a1):
        customer = CustomerFactory()
        zone = ZoneFactory()
        group = GroupFactory()
    url = f"{BASE}/customers/{customer.pk}/addresses/"
    bad = admin.post(url, {"street": "Rua B", "number": "2"}, content_type="application/json")
    assert bad.status_code == 400 and "zone" in bad.json()["fields"]
    response = admin.post(
        url,
        {"zone": zone.pk, "street": "Rua B", "number": "2", "group": group.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    address_id = response.json()["id"]
    assert response.json()["group"] == group.pk
    response = admin.patch(f"{url}{address_id}/", {"number": "20"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["number"] == "20"
    with company_context(world.a1):
        customer.refresh_from_db()
        assert "rua b 20" in customer.search_text


def test_groups(admin, world):
    """Groups: create (with account), list, patch; bad kind is a 400 on kind."""
    response = admin.post(
        f"{BASE}/groups/",
        {"name": "Condomínio Sol", "kind": "consortium"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["account_id"]
    group_id = response.json()["id"]
    assert [g["name"] for g in admin.get(f"{BASE}/groups/").json()["results"]] == ["Condomínio Sol"]
    response = admin.patch(
        f"{BASE}/groups/{group_id}/", {"name": "Condomínio Lua"}, content_type="application/json"
    )
    assert response.json()["name"] == "Condomínio Lua"
    bad = admin.post(
        f"{BASE}/groups/", {"name": "X", "kind": "party"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]


def test_contact_records(login, world):
    """An attendant records a contact (agent = the user); the list is newest first; an empty
    reason is a 400 on reason."""
    client = login("a1_atendente", company=world.a1, branch="a-one-service")
    with company_context(world.a1):
        customer = CustomerFactory()
    url = f"{BASE}/customers/{customer.pk}/contact-records/"
    for reason in ("First", "Second"):
        response = client.post(
            url, {"channel": "phone", "reason": reason}, content_type="application/json"
        )
        assert response.status_code == 201
    assert response.json()["agent_label"] == "a1_atendente"
    assert [r["reason"] for r in client.get(url).json()["results"]] == ["Second", "First"]
    bad = client.post(url, {"channel": "phone", "reason": ""}, content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]


def test_overview_whole_request_within_10_statements(admin, rich):
    """The customer 360 request (session, access checks and the selector) runs at most 10 SQL
    statements for a customer with 2 addresses, 5 subscriptions, promotions, contacts and
    records; its content is complete."""
    url = f"{BASE}/customers/{rich.pk}/overview/"
    with CaptureQueriesContext(connection) as ctx:
        response = admin.get(url)
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 10, [q["sql"][:80] for q in ctx.captured_queries]
    body = response.json()
    assert body["status"] == "active"
    assert [len(a["subscriptions"]) for a in body["addresses"]] == [3, 2]
    first = body["addresses"][0]["subscriptions"][0]
    assert [p["name"] for p in first["promotions"]] == ["Welcome", "Loyalty"]
    assert first["price"] == "99.90"
    assert first["system"] == "internet"
    assert first["plan"]["name"]
    assert first["activated_on"] == "2026-01-10"
    assert {s["status"] for a in body["addresses"] for s in a["subscriptions"]} == {
        "active",
        "pending",
        "suspended",
    }
    assert body["balance"] == "100.00"
    assert body["debt"]["overdue"] == "100.00"
    assert len(body["contacts"]) == 3
    assert [r["kind"] for r in body["open_requests"]] == ["installation"]
    assert len(body["contact_records"]) == 10
    assert body["contact_records"][0]["reason"] == "Question 11"
    actions = {e["action"] for e in body["history"]}
    assert {"customers.contact_record", "customers.address_add"} <= actions


def test_overview_statement_budget_with_django_assert(admin, rich, django_assert_max_num_queries):
    """Same budget, asserted with pytest-django's helper."""
    with django_assert_max_num_queries(10):
        assert admin.get(f"{BASE}/customers/{rich.pk}/overview/").status_code == 200


def test_overview_404(admin):
    """An unknown customer: 404 in the error format."""
    response = admin.get(f"{BASE}/customers/999999/overview/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail", "fields"}


# --- permissions -----------------------------------------------------------------------


def test_reading_needs_customers_view_only(login, world, rich):
    """A technician (customers.view) reads lists and the 360, even from a technical branch."""
    client = login("a1_tecnico", company=world.a1, branch="a-one-technical")
    assert client.get(f"{BASE}/customers/").status_code == 200
    assert client.get(f"{BASE}/customers/{rich.pk}/overview/").status_code == 200


@pytest.mark.parametrize(
    ("user", "branch", "code"),
    [
        ("a1_tecnico", "a-one-technical", "function_missing"),
        ("a1_cobranca", "a-one-service", "function_missing"),
        ("a1_admin", "a-one-technical", "wrong_branch_kind"),
        ("a1_admin", None, "branch_required"),
    ],
)
def test_writing_needs_customers_manage_in_a_service_branch(login, world, user, branch, code):
    """Writes need customers.manage and a position in a customer-service branch: 403 naming
    what is missing."""
    client = login(user, company=world.a1, branch=branch)
    response = client.post(f"{BASE}/customers/", _create_payload(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == code
    with company_context(world.a1):
        group = GroupFactory()
    response = client.patch(
        f"{BASE}/groups/{group.pk}/", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_contact_records_need_contacts_register(login, world):
    """A seller (customers.manage, no contacts.register) cannot record contacts."""
    client = login("a1_vendedor", company=world.a1, branch="a-one-service")
    with company_context(world.a1):
        customer = CustomerFactory()
    url = f"{BASE}/customers/{customer.pk}/contact-records/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"channel": "phone", "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_anonymous_is_refused(client, rich):
    """No session, no key: 401/403."""
    assert client.get(f"{BASE}/customers/{rich.pk}/overview/").status_code in (401, 403)


# --- isolation ---------------------------------------------------------------------------

ENDPOINTS = [
    "customers/",
    "customers/{pk}/",
    "customers/{pk}/overview/",
    "customers/{pk}/contacts/",
    "customers/{pk}/addresses/",
    "customers/{pk}/contact-records/",
    "groups/",
    "groups/{group}/",
]


@pytest.fixture
def a1_objects(world, rich):
    with company_context(world.a1):
        group = GroupFactory(name="Grupo de A1")
    return {"pk": rich.pk, "group": group.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_operator_b_cannot_reach_a1(login, world, a1_objects, endpoint):
    """B's administrator gets 404 on every A1 endpoint (the company is not disclosed)."""
    client = login("b1_admin", company=world.b1, branch="b-one-service")
    assert client.get(f"{BASE}/{endpoint.format(**a1_objects)}").status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_sibling_company_a2_does_not_see_a1_objects(login, world, a1_objects, endpoint):
    """Through A2's routes, A1's objects do not exist (404) and A1's lists are not shown."""
    client = login("a_central", company=None)
    path = endpoint.format(**a1_objects)
    response = client.get(f"/c/a-two/api/v1/{path}")
    if "{" in endpoint:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        names = [r["name"] for r in response.json()["results"]]
        assert "Maria da Silva" not in names and "Grupo de A1" not in names
    # and A1 itself shows them to a central reader
    assert client.get(f"{BASE}/{path}").status_code == 200


def test_b1_search_does_not_find_a1_customers(login, world, rich):
    """Search in B1 does not return A1's customer."""
    with company_context(world.b1):
        CustomerFactory(name="Maria de B")
    client = login("b1_admin", company=world.b1, branch="b-one-service")
    names = [c["name"] for c in client.get("/c/b-one/api/v1/customers/?q=maria").json()["results"]]
    assert names == ["Maria de B"]


WRITES = [
    (
        "post",
        "customers/",
        {"kind": "person", "name": "X", "tax_id": "111.444.777-35", "customer_type": "residential"},
    ),
    ("patch", "customers/{pk}/", {"name": "Hacked"}),
    ("post", "customers/{pk}/contacts/", {"kind": "phone", "value": "5133334444"}),
    ("post", "customers/{pk}/addresses/", {"zone": 1, "street": "R", "number": "1"}),
    ("post", "customers/{pk}/contact-records/", {"channel": "phone", "reason": "x"}),
    ("post", "groups/", {"name": "G", "kind": "other"}),
    ("patch", "groups/{group}/", {"name": "Hacked"}),
]


@pytest.mark.parametrize(("method", "endpoint", "payload"), WRITES)
def test_operator_b_cannot_write_into_a1(login, world, a1_objects, method, endpoint, payload):
    """B's administrator gets 404 on every A1 write and nothing changes."""
    client = login("b1_admin", company=world.b1, branch="b-one-service")
    url = f"{BASE}/{endpoint.format(**a1_objects)}"
    response = getattr(client, method)(url, payload, content_type="application/json")
    assert response.status_code == 404
    with company_context(world.a1):
        assert not Customer.objects.filter(name__in=["X", "Hacked"]).exists()
        assert Customer.objects.get(pk=a1_objects["pk"]).contacts.count() == 3


def test_b1_cannot_reach_a1_objects_through_its_own_route(login, world, a1_objects):
    """Through B1's own route, A1's customer ids do not exist."""
    client = login("b1_admin", company=world.b1, branch="b-one-service")
    assert client.get(f"/c/b-one/api/v1/customers/{a1_objects['pk']}/overview/").status_code == 404
    response = client.patch(
        f"/c/b-one/api/v1/customers/{a1_objects['pk']}/",
        {"name": "Hacked"},
        content_type="application/json",
    )
    assert response.status_code == 404
