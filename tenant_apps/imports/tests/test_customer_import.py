"""The customer migration import: validate the whole file, import all or nothing, idempotent."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shared_apps.audit.models import AuditEvent
from tenant_apps.catalog.choices import ProductRole, System, Technology
from tenant_apps.customers.models import Address, Contact, Customer
from tenant_apps.customers.normalize import fold
from tenant_apps.factories import (
    CityFactory,
    PlanItemFactory,
    PlanPromotionFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
    valid_cpf,
)
from tenant_apps.imports.layout import COLUMN_NAMES
from tenant_apps.imports.models import ImportJob
from tenant_apps.ledger.models import Account, Entry
from tenant_apps.sales.models import Sale, ServiceRequest, Subscription, SubscriptionPromotion
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

API = "/c/a-one/api/v1/imports/"
CNPJ = "11222333000181"


@pytest.fixture
def catalog(world):
    """In A1: a city with a zone, Internet (main + additional Wi-Fi) and TV products, a plan
    with the three and a 50 % promotion for 3 months on the Internet product."""
    with company_context(world.a1):
        city = CityFactory(name="Porto Alegre", state="RS")
        zone = ZoneFactory(city=city, name="Centro")
        net = ProductFactory(code="NET-300", monthly_price=Decimal("99.90"))
        wifi = ProductFactory(
            code="WIFI-PLUS",
            role=ProductRole.ADDITIONAL,
            system=System.INTERNET,
            monthly_price=Decimal("15.00"),
        )
        tv = ProductFactory(
            code="TV-BASIC", system=System.TV, technology=Technology.HFC, monthly_price=50
        )
        other = ProductFactory(code="TEL-1", system=System.TELEPHONY)
        plan = SalesPlanFactory(code="COMBO")
        net_item = PlanItemFactory(plan=plan, product=net, price=Decimal("89.90"))
        PlanItemFactory(plan=plan, product=wifi)
        PlanItemFactory(plan=plan, product=tv)
        promo = PlanPromotionFactory(item=net_item, value=Decimal("50.00"), months=3)
        SalesPlanFactory(code="SOLO-TEL")
        return {"zone": zone, "plan": plan, "promo": promo, "other": other}


def row(**values) -> dict:
    base = {
        "external_ref": "OLD-1",
        "kind": "person",
        "name": "Maria da Silva",
        "trade_name": "",
        "tax_id": "",
        "customer_type": "residential",
        "phone": "(51) 99876-5432",
        "email": "maria@example.com",
        "city": "Porto Alegre",
        "state": "RS",
        "zone": "Centro",
        "street": "Rua dos Andradas",
        "number": "100",
        "complement": "",
        "postal_code": "90020-008",
        "plan": "COMBO",
        "product": "NET-300",
        "status": "active",
        "activated_on": "2024-03-15",
        "price": "",
        "balance": "",
        "balance_due_on": "",
    }
    base.update(values)
    return base


def csv_bytes(rows: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(COLUMN_NAMES)
    for r in rows:
        writer.writerow([r[c] for c in COLUMN_NAMES])
    return out.getvalue().encode()


def valid_rows() -> list[dict]:
    maria, joao = valid_cpf(), valid_cpf()
    return [
        # line 2-4: Maria, two products at one address (main + additional), TV at a second one
        row(tax_id=maria, balance="120,50", balance_due_on="10/04/2024"),
        row(tax_id=maria, product="WIFI-PLUS", price="9.90", balance="120,50",
            balance_due_on="10/04/2024", phone="(51) 3333-4444"),
        row(tax_id=maria, product="TV-BASIC", street="Av. Ipiranga", number="5", status="pending",
            activated_on="", balance="120,50", balance_due_on="10/04/2024"),
        # line 5: João, pending Internet, credit balance
        row(external_ref="OLD-2", name="João D'Ávila", tax_id=joao, phone="", email="",
            status="pending", activated_on="", balance="-30.00"),
        # line 6: a business
        row(external_ref="OLD-3", kind="PJ", name="Padaria Pão Quente Ltda", tax_id=CNPJ,
            customer_type="business", trade_name="Pão Quente", phone="", email="", number="7"),
    ]  # fmt: skip


def upload(client, content: bytes, capture, name="clientes.csv", **extra):
    with capture(execute=True):
        return client.post(
            API + "customers/",
            {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
            **extra,
        )


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


def test_valid_file_imports_customers_addresses_products_accounts_and_balances(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """Every row becomes data: customers numbered from the series with their reference,
    contacts, one account each, addresses, one sale per address and plan, subscriptions with
    status, date, price (row or plan), the additional linked to its main, promotions dated
    from the activation, the opening balances; customer status derived; search text filled."""
    response = upload(admin, csv_bytes(valid_rows()), django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.json()
    job_id = response.json()["id"]
    detail = admin.get(f"{API}{job_id}/").json()
    assert detail["status"] == "done", detail["errors"]
    assert (detail["rows_total"], detail["rows_imported"], detail["rows_skipped"]) == (5, 5, 0)
    assert detail["customers_created"] == 3
    assert detail["addresses_created"] == 4
    assert detail["subscriptions_created"] == 5
    assert detail["entries_created"] == 2
    assert detail["errors"] == []
    with company_context(world.a1):
        maria = Customer.objects.get(external_ref="OLD-1")
        joao = Customer.objects.get(external_ref="OLD-2")
        bakery = Customer.objects.get(external_ref="OLD-3")
        assert maria.status == "active" and joao.status == "pending"
        assert bakery.kind == "business" and bakery.tax_id == CNPJ
        assert bakery.trade_name == "Pão Quente" and bakery.customer_type == "business"
        assert maria.code and maria.code != joao.code
        assert joao.search_name == "joao d'avila"
        assert "rua dos andradas" in maria.search_text and maria.tax_id in maria.search_text
        assert "51998765432" in maria.search_text and maria.code.lower() in maria.search_text
        assert set(Contact.objects.filter(customer=maria).values_list("kind", "normalized")) == {
            ("mobile", "51998765432"),
            ("phone", "5133334444"),
            ("email", "maria@example.com"),
        }
        # Phones are shown as the old system wrote them, searched by their digits.
        assert set(Contact.objects.filter(customer=maria).values_list("value", flat=True)) == {
            "(51) 99876-5432",
            "(51) 3333-4444",
            "maria@example.com",
        }
        assert Account.objects.filter(customer__in=[maria, joao, bakery]).count() == 3
        assert Address.objects.filter(customer=maria).count() == 2
        assert Sale.objects.filter(customer=maria).count() == 2  # one per address + plan
        assert Sale.objects.filter(customer=maria).values("number").distinct().count() == 2
        subs = {s.product.code: s for s in Subscription.objects.filter(customer=maria)}
        net, wifi, tv = subs["NET-300"], subs["WIFI-PLUS"], subs["TV-BASIC"]
        assert (net.status, net.activated_on, net.price) == (
            "active",
            dt.date(2024, 3, 15),
            Decimal("89.90"),  # the plan's price
        )
        assert wifi.price == Decimal("9.90") and wifi.main_id == net.pk
        assert wifi.sale_id == net.sale_id and tv.sale_id != net.sale_id
        assert (tv.status, tv.activated_on, tv.price) == ("pending", None, Decimal("50.00"))
        promo = SubscriptionPromotion.objects.get(subscription=net)
        assert promo.source_id == catalog["promo"].pk and promo.value == Decimal("50.00")
        assert (promo.starts_on, promo.ends_on) == (dt.date(2024, 3, 15), dt.date(2024, 6, 15))
        joao_promo = SubscriptionPromotion.objects.get(subscription__customer=joao)
        assert joao_promo.starts_on is None  # dated at activation
        opening = Entry.objects.get(account__customer=maria)
        assert (opening.kind, opening.amount, opening.due_on) == (
            "opening",
            Decimal("120.50"),
            dt.date(2024, 4, 10),
        )
        assert Entry.objects.get(account__customer=joao).amount == Decimal("-30.00")
        # pending products wait for their installation, as after a sale
        request = ServiceRequest.objects.get(customer=maria)
        assert (request.kind, request.status, request.sale_id) == (
            "installation",
            "open",
            tv.sale_id,
        )
        assert list(request.subscriptions.all()) == [tv]
        assert ServiceRequest.objects.filter(customer=joao, status="open").count() == 1
        assert not ServiceRequest.objects.filter(customer=bakery).exists()
        # the customer's history starts with the import
        event = AuditEvent.objects.get(object_type="customers.customer", object_id=str(maria.pk))
        assert (event.action, event.actor_label) == ("customers.import", "a1_admin")
        assert event.changes == {"job": job_id, "external_ref": "OLD-1"}
        assert not Entry.objects.filter(account__customer=bakery).exists()


def test_every_bad_row_is_reported_with_line_and_column_and_nothing_is_written(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """A file with several bad rows: each problem is listed (line, column, reason) and not a
    single customer, address, subscription or entry is written."""
    cpf = valid_cpf()
    rows = [
        row(tax_id=cpf),  # line 2: fine
        row(external_ref="OLD-2", tax_id="123.456.789-00"),  # 3: bad check digits
        row(external_ref="OLD-3", tax_id=valid_cpf(), plan="NOPE"),  # 4: unknown plan
        row(external_ref="OLD-4", tax_id=valid_cpf(), product="TEL-1"),  # 5: not in the plan
        row(external_ref="OLD-5", tax_id=valid_cpf(), activated_on="31/02/2024"),  # 6: date
        row(external_ref="OLD-6", tax_id=valid_cpf(), price="12.345"),  # 7: amount
        row(external_ref="OLD-7", tax_id=valid_cpf(), product="WIFI-PLUS"),  # 8: no main
        row(tax_id=cpf),  # 9: duplicate of line 2
        row(external_ref="OLD-8", tax_id=cpf),  # 10: same tax id as OLD-1
        row(external_ref="OLD-9", tax_id=valid_cpf(), zone="Nowhere"),  # 11: unknown zone
        row(external_ref="OLD-10", tax_id=valid_cpf(), status="active", activated_on=""),  # 12
        row(tax_id=cpf, name="Maria Souza", number="200"),  # 13: customer columns differ
        row(external_ref="OLD-11", tax_id=valid_cpf(), kind="alien", customer_type="vip"),  # 14
        row(external_ref="OLD-12", tax_id=valid_cpf(), activated_on="2999-01-01"),  # 15
    ]
    with company_context(world.a1):
        before = (Customer.objects.count(), Subscription.objects.count(), Entry.objects.count())
    response = upload(
        admin, csv_bytes(rows, delimiter=";"), django_capture_on_commit_callbacks,
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 202
    detail = admin.get(f"{API}{response.json()['id']}/").json()
    assert detail["status"] == "invalid"
    found = {(e["line"], e["column"]) for e in detail["errors"]}
    expected = {
        (3, "tax_id"),
        (4, "plan"),
        (5, "product"),
        (6, "activated_on"),
        (7, "price"),
        (8, "product"),
        (9, "product"),
        (10, "tax_id"),
        (11, "zone"),
        (12, "activated_on"),
        (13, "name"),
        (14, "kind"),
        (14, "customer_type"),
        (15, "activated_on"),
    }
    assert expected <= found, found
    assert not any(line == 2 for line, _col in found)
    assert detail["error_count"] == len(detail["errors"])
    messages = {(e["line"], e["column"]): e["message"] for e in detail["errors"]}
    assert "check digits" in messages[(3, "tax_id")]
    assert "not part of plan COMBO" in messages[(5, "product")]
    assert "main product" in messages[(8, "product")]
    with company_context(world.a1):
        after = (Customer.objects.count(), Subscription.objects.count(), Entry.objects.count())
        assert after == before
        assert not Customer.objects.filter(external_ref__startswith="OLD-").exists()


def test_file_without_required_columns_is_refused_as_a_whole(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """A header without a required column: the job is invalid, naming the missing column."""
    content = b"external_ref,name\nOLD-1,Maria\n"
    response = upload(admin, content, django_capture_on_commit_callbacks)
    detail = admin.get(f"{API}{response.json()['id']}/").json()
    assert detail["status"] == "invalid"
    assert {"line": 1, "column": "tax_id"} in [
        {"line": e["line"], "column": e["column"]} for e in detail["errors"]
    ]


def test_rerunning_the_same_file_or_known_customers_imports_nothing_more(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """The same file again is skipped (checksum); a new file repeating imported references
    skips those rows and imports only the new customer."""
    rows = valid_rows()
    first = upload(admin, csv_bytes(rows), django_capture_on_commit_callbacks).json()
    with company_context(world.a1):
        counts = (Customer.objects.count(), Subscription.objects.count(), Entry.objects.count())
    again = upload(admin, csv_bytes(rows), django_capture_on_commit_callbacks).json()
    detail = admin.get(f"{API}{again['id']}/").json()
    assert detail["status"] == "skipped"
    assert str(first["id"]) in detail["message"]
    with company_context(world.a1):
        assert counts == (
            Customer.objects.count(),
            Subscription.objects.count(),
            Entry.objects.count(),
        )
    more = [*rows, row(external_ref="OLD-4", name="Ana Lima", tax_id=valid_cpf(), number="9")]
    third = upload(admin, csv_bytes(more), django_capture_on_commit_callbacks).json()
    detail = admin.get(f"{API}{third['id']}/").json()
    assert detail["status"] == "done", detail["errors"]
    assert (detail["rows_skipped"], detail["customers_created"]) == (5, 1)
    with company_context(world.a1):
        assert Customer.objects.count() == counts[0] + 1
        assert Customer.objects.filter(external_ref="OLD-1").count() == 1


def test_seller_profile_cannot_import_nor_list_jobs(login, world, catalog):
    """a1_vendedor lacks customers.import: 403 on the API (upload, list, detail) and the page."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    response = seller.post(
        API + "customers/", {"file": SimpleUploadedFile("x.csv", csv_bytes(valid_rows()))}
    )
    assert response.status_code == 403
    assert seller.get(API).status_code == 403
    assert seller.get("/c/a-one/imports/").status_code == 403
    with company_context(world.a1):
        assert not ImportJob.objects.exists()


def test_writing_needs_a_branch_position(login, world, catalog):
    """Uploading is a write: an administrator not positioned in a branch is refused (403)."""
    admin = login("a1_admin", company=world.a1)
    response = admin.post(
        API + "customers/", {"file": SimpleUploadedFile("x.csv", csv_bytes(valid_rows()))}
    )
    assert response.status_code == 403


def test_empty_upload_is_a_field_error(admin, world):
    """An empty file: 400 naming the file field, no job."""
    response = admin.post(API + "customers/", {"file": SimpleUploadedFile("x.csv", b"")})
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    with company_context(world.a1):
        assert not ImportJob.objects.exists()


def _a2_admin(world):
    """An administrator of A2 (created inside the test's transaction)."""
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import membership_grant, user_create
    from shared_apps.audit.actor import Actor

    actor = Actor.system("tests")
    user = user_create(actor=actor, username="a2_admin_imports", password=world.password)
    membership_grant(
        actor=actor,
        user=user,
        operator=world.a2.operator,
        company=world.a2,
        profiles=AccessProfile.objects.filter(company=world.a2, name="Administrador"),
        branches=[world.branches["a-two-service"]],
    )
    world.users[user.username] = user
    return user


def test_other_companies_cannot_see_the_jobs(
    admin, login, client, world, catalog, django_capture_on_commit_callbacks
):
    """A1's jobs are not visible from A2 (list empty, detail 404) nor to operator B (404)."""
    job_id = upload(admin, csv_bytes(valid_rows()), django_capture_on_commit_callbacks).json()["id"]
    a2_admin = _a2_admin(world)
    sibling = login(a2_admin.username, company=world.a2, branch="a-two-service")
    world.users.pop(a2_admin.username)  # rolled back with the test
    listing = sibling.get("/c/a-two/api/v1/imports/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 0
    assert sibling.get(f"/c/a-two/api/v1/imports/{job_id}/").status_code == 404
    assert sibling.get(f"/c/a-two/imports/{job_id}/").status_code == 404
    assert sibling.get(API).status_code == 404  # not a member of A1
    other = login("b1_admin", company=world.b1, branch="b-one-service")
    assert other.get(API).status_code == 404
    assert other.get(f"{API}{job_id}/").status_code == 404
    assert other.get(f"/c/b-one/api/v1/imports/{job_id}/").status_code == 404


def test_import_page_documents_the_layout_uploads_and_shows_errors(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """The page shows the columns and an example; an upload redirects to the job page, which
    lists each error; the list shows the job with its status."""
    page = admin.get("/c/a-one/imports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-layout"' in html
    assert "<code>external_ref</code>" in html and "<code>balance_due_on</code>" in html
    bad = csv_bytes([row(tax_id="111")])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/c/a-one/imports/", {"file": SimpleUploadedFile("bad.csv", bad)})
    assert response.status_code == 302
    html = admin.get(response["Location"]).content.decode()
    assert 'data-testid="job-errors"' in html
    assert "<code>tax_id</code>" in html
    assert "hx-get" not in html  # finished: no more polling
    listing = admin.get("/c/a-one/imports/").content.decode()
    assert "bad.csv" in listing and 'data-testid="job-status"' in listing
    empty = admin.post("/c/a-one/imports/", {})
    assert empty.status_code == 400 and "errorlist" in empty.content.decode()


def test_running_job_is_polled(admin, world):
    """A queued or running job's status partial asks htmx to poll it."""
    with company_context(world.a1):
        job = ImportJob.objects.create(file_name="x.csv", checksum="0" * 64, created_by="x")
    partial = admin.get(f"/c/a-one/imports/{job.pk}/status/").content.decode()
    assert f'hx-get="/c/a-one/imports/{job.pk}/status/"' in partial
    assert 'hx-trigger="every 2s"' in partial


def test_customer_numbers_follow_the_series(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """Customer and contract numbers are taken from the company's series, without gaps."""
    from tenant_apps.parameters.models import DocumentSeries

    with company_context(world.a1):
        before = {s.kind: s.next_number for s in DocumentSeries.objects.all()}
    upload(admin, csv_bytes(valid_rows()), django_capture_on_commit_callbacks)
    with company_context(world.a1):
        after = {s.kind: s.next_number for s in DocumentSeries.objects.all()}
        assert after["customer"] - before["customer"] == 3
        assert after["contract"] - before["contract"] == 4
        codes = sorted(
            Customer.objects.filter(external_ref__startswith="OLD-").values_list("code", flat=True)
        )
        assert len(set(codes)) == 3
        assert fold(Customer.objects.get(external_ref="OLD-1").name) == "maria da silva"


def test_search_fields_are_those_the_customer_services_write(
    admin, world, catalog, django_capture_on_commit_callbacks
):
    """search_name and search_text of an imported customer are what customers.services
    computes for it (so the search finds imported customers like any other)."""
    from tenant_apps.customers.services import search_refresh

    upload(admin, csv_bytes(valid_rows()), django_capture_on_commit_callbacks)
    with company_context(world.a1):
        for customer in Customer.objects.filter(external_ref__startswith="OLD-"):
            search_refresh(customer_id=customer.pk)
            again = Customer.objects.get(pk=customer.pk)
            assert (again.search_name, again.search_text) == (
                customer.search_name,
                customer.search_text,
            )


def test_the_example_on_the_page_imports(admin, world, django_capture_on_commit_callbacks):
    """The example file shown on the import page is valid: with its plan and products
    registered, it imports one customer with a main and an additional product."""
    from tenant_apps.imports.layout import example_csv

    with company_context(world.a1):
        ZoneFactory(city=CityFactory(name="Porto Alegre", state="RS"), name="Centro")
        plan = SalesPlanFactory(code="FIBRA-300")
        PlanItemFactory(plan=plan, product=ProductFactory(code="NET-300"))
        PlanItemFactory(
            plan=plan, product=ProductFactory(code="WIFI-PLUS", role=ProductRole.ADDITIONAL)
        )
    job = upload(admin, example_csv().encode(), django_capture_on_commit_callbacks).json()
    detail = admin.get(f"{API}{job['id']}/").json()
    assert detail["status"] == "done", detail["errors"]
    assert (detail["customers_created"], detail["subscriptions_created"]) == (1, 2)
