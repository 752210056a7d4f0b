"""Routing, health check, security baseline, PWA and login/positioning flows over HTTP."""

import json

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_healthz_checks_database_redis_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "broker"}


def test_healthz_reports_a_dead_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_company_reached_by_its_own_hostname(login, world):
    """Production routing: an operator's own domain serves a company at the root."""
    from tenants.choices import RouteKind
    from tenants.models import Route

    Route.objects.create(
        domain="tv.operadora-a.test", tenant=world.a1, kind=RouteKind.HOSTNAME, is_primary=False
    )
    client = login("a1_admin", company=world.a1)
    with override_settings(ALLOWED_HOSTS=["tv.operadora-a.test", "localhost", "testserver"]):
        response = client.get("/api/v1/parameters/", HTTP_HOST="tv.operadora-a.test")
    assert response.status_code == 200
    assert response.json()["currency"] == "BRL"


def test_route_lookup_is_cached(login, world, django_assert_max_num_queries):
    from tenants import routing

    client = login("a1_admin", company=world.a1)
    client.get("/c/a-one/api/v1/parameters/")
    assert routing._lookup.__name__  # the module's cache is warm now
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/c/a-one/api/v1/parameters/")
    assert not any("tenants_route" in q["sql"] for q in ctx.captured_queries)


def test_inactive_company_is_not_routed(login, world):
    from tenants import routing
    from tenants.models import Company

    Company.objects.filter(pk=world.a2.pk).update(is_active=False)
    routing.forget_routes()
    client = login("a_central")
    assert client.get("/c/a-two/").status_code == 404
    routing.forget_routes()


def test_login_form_lets_the_browser_save_credentials(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'autocomplete="username"' in body
    assert 'autocomplete="current-password"' in body


def test_login_positions_a_user_with_one_choice(world):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "a1_vendedor", "password": world.password}
    )
    assert response.status_code == 302
    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY

    assert client.session[SESSION_COMPANY] == world.a1.pk
    assert client.session[SESSION_BRANCH] == world.branches["a-one-service"].pk
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/c/a-one/"


def test_user_with_several_choices_picks_a_position(world):
    client = Client()
    client.post("/accounts/login/", {"username": "a1_admin", "password": world.password})
    home = client.get("/")
    assert home.status_code == 200
    assert b'data-testid="branch-a-one-technical"' in home.content
    response = client.post(
        "/position/", {"company": world.a1.pk, "branch": world.branches["a-one-technical"].pk}
    )
    assert response.status_code == 302 and response["Location"] == "/c/a-one/"
    page = client.get("/c/a-one/").content.decode()
    assert world.branches["a-one-technical"].name in page


def test_position_picker_refuses_foreign_branch(login, world):
    client = login("a1_admin")
    response = client.post(
        "/position/", {"company": world.a1.pk, "branch": world.branches["b-one-service"].pk}
    )
    assert response.status_code == 400


def test_login_throttling_locks_after_repeated_failures(world):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "a1_tecnico", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "a1_tecnico", "password": world.password})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a1_admin", "password": world.password})
    assert response.status_code == 403


def test_session_api_writes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["a1_admin"])
    response = client.patch(
        "/c/a-one/api/v1/parameters/", {"days_to_due": 3}, content_type="application/json"
    )
    assert response.status_code == 403


def test_passwords_are_hashed_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_are_tls_only(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    prod = importlib.import_module("config.settings.production")
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.DEBUG is False


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_http_redirects_to_https_and_hsts_on_https(client):
    assert client.get("/accounts/login/").status_code == 301
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pwa_manifest_and_service_worker(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    sw = client.get("/sw.js")
    assert sw["Content-Type"].startswith("text/javascript")
    assert sw["Service-Worker-Allowed"] == "/"
    assert b'addEventListener("fetch"' in sw.content


def test_install_button_on_main_page(login, world):
    client = login("a1_admin")
    body = client.get("/").content.decode()
    assert "data-install" in body
    assert 'rel="manifest"' in body


def test_api_schema_and_docs(login, world):
    client = login("a1_admin")
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    paths = schema.json()["paths"]
    assert "/c/{route}/api/v1/parameters/" in paths
    assert "/api/v1/companies/" in paths
    assert "partnerApiKey" in schema.json()["components"]["securitySchemes"]
    assert b"swagger-ui" in docs.content


def test_api_pagination_and_filtering(login, world):
    from urllib.parse import quote

    from django.utils import timezone

    since = quote(timezone.now().isoformat())
    client = login("a1_admin", company=world.a1, branch="a-one-service")
    for days in (3, 4, 5):
        client.patch(
            "/c/a-one/api/v1/parameters/", {"days_to_due": days}, content_type="application/json"
        )
    page = client.get(
        f"/c/a-one/api/v1/audit-events/?page_size=2&action=parameters.update&since={since}"
    )
    body = page.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_language_switch(login, world):
    client = login("a1_admin")
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    response = client.get("/accounts/login/")
    assert response.headers.get("Content-Language") == "es"
