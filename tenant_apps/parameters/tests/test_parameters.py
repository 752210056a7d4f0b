"""Company parameters (P5): validated page and API, audited, read through one selector."""

import pytest
from django.utils import translation

from shared_apps.audit.models import AuditEvent
from tenant_apps.parameters.selectors import company_parameters
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

URL = "/c/a-one/api/v1/parameters/"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


def test_api_update_is_read_back_by_the_selector_and_audited(admin, world):
    response = admin.patch(
        URL,
        {"billing_day": 5, "days_to_due": 12, "currency": "USD", "prepaid_min_recharge": "25.50"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["prepaid_min_recharge"] == "25.50"
    with company_context(world.a1):
        params = company_parameters()
        assert (params.billing_day, params.days_to_due, params.currency) == (5, 12, "USD")
        assert str(params.prepaid_min_recharge) == "25.50"
        event = AuditEvent.objects.filter(action="parameters.update").latest("id")
        assert event.changes["billing_day"] == [1, 5]
        assert event.changes["prepaid_min_recharge"] == ["20.00", "25.50"]
        assert event.actor_label == "a1_admin"
    with company_context(world.a2):
        assert company_parameters().currency == "BRL"  # the sibling is untouched


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"billing_day": 31}, "billing_day"),
        ({"billing_day": 0}, "billing_day"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"currency": "XXX"}, "currency"),
        ({"days_to_due": "abc"}, "days_to_due"),
        ({"prepaid_min_recharge": "0"}, "prepaid_min_recharge"),
        ({"prepaid_min_recharge": "1.234"}, "prepaid_min_recharge"),
        ({"country": "brazil"}, "country"),
    ],
)
def test_api_rejects_bad_values_field_by_field(admin, world, payload, field):
    with company_context(world.a1):
        events_before = AuditEvent.objects.count()
    response = admin.patch(URL, payload, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    with company_context(world.a1):
        assert AuditEvent.objects.count() == events_before


def test_errors_come_in_the_users_language(admin):
    response = admin.patch(
        URL,
        {"time_zone": "Mars/Olympus"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="pt-br",
    )
    assert "não é um fuso horário conhecido" in response.json()["fields"]["time_zone"][0]
    with translation.override("en"):
        response = admin.patch(
            URL,
            {"time_zone": "Mars/Olympus"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "is not a known time zone" in response.json()["fields"]["time_zone"][0]


def test_ui_form_saves_and_shows_field_errors(admin, world):
    page = admin.get("/c/a-one/settings/")
    assert page.status_code == 200
    data = {
        "currency": "BRL",
        "time_zone": "America/Manaus",
        "locale": "pt-br",
        "country": "BR",
        "billing_day": 10,
        "billing_timing": "arrears",
        "days_to_due": 7,
        "grace_days": 20,
        "prepaid_min_recharge": "30.00",
    }
    assert admin.post("/c/a-one/settings/", data).status_code == 302
    with company_context(world.a1):
        assert company_parameters().time_zone == "America/Manaus"
    bad = admin.post("/c/a-one/settings/", {**data, "billing_day": 29})
    assert bad.status_code == 400
    assert 'id="id_billing_day"' in bad.content.decode()
    assert "errorlist" in bad.content.decode()


def test_series_cannot_go_back(admin, world):
    response = admin.patch(
        "/c/a-one/api/v1/document-series/invoice/",
        {"next_number": 100},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["next_document"] == "FAT-000100"
    response = admin.patch(
        "/c/a-one/api/v1/document-series/invoice/",
        {"next_number": 50},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "next_number" in response.json()["fields"]


def test_selector_refuses_public_schema(world):
    with pytest.raises(RuntimeError):
        company_parameters()


def test_ui_series_edit(admin, world):
    response = admin.post(
        "/c/a-one/settings/series/receipt/",
        {"receipt-prefix": "R-", "receipt-next_number": 7, "receipt-padding": 4},
    )
    assert response.status_code == 302
    page = admin.get("/c/a-one/settings/").content.decode()
    assert "R-0007" in page
    back = admin.post(
        "/c/a-one/settings/series/receipt/",
        {"receipt-prefix": "R-", "receipt-next_number": 3, "receipt-padding": 4},
    )
    assert back.status_code == 400
    assert "errorlist" in back.content.decode()
