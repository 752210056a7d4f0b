"""Every company URL, page or API, whatever app adds it: a user of another operator gets 404
(the company's existence is not disclosed), a partner key of another operator too, and an
anonymous visitor never gets data. New endpoints are covered as soon as they are routed."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Reached without a login on purpose (service worker, manifest, offline page, health check...).
PUBLIC = {"sw.js", "manifest.webmanifest", "offline/", "healthz"}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _sample(match: re.Match) -> str:
    kind = match.group(1) or "str"
    return "1" if kind == "int" else "x"


def _paths(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern, route)
        elif isinstance(pattern, URLPattern):
            if "(?P" in route or route.startswith("^"):
                continue  # regex routes (none in the company URLconf today)
            yield _CONVERTER.sub(_sample, route)


COMPANY_PATHS = sorted(set(_paths(get_resolver("config.urls_company"))))


def test_the_sweep_sees_the_apps():
    """The list really holds the company apps' pages and endpoints."""
    joined = " ".join(COMPANY_PATHS)
    for expected in (
        "customers/",
        "api/v1/customers/",
        "api/v1/plans/",
        "api/v1/sales/",
        "api/v1/products/",
        "api/v1/zones/",
        "api/v1/imports/",
        "settings/",
    ):
        assert expected in joined, expected  # fmt: skip


@pytest.mark.parametrize("path", COMPANY_PATHS)
def test_another_operators_user_gets_404_everywhere(login, world, path):
    client = login("b1_admin", company=world.b1, branch="b-one-service")
    for method in ("get", "post"):
        response = getattr(client, method)(f"/c/a-one/{path}")
        assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("path", [p for p in COMPANY_PATHS if p.startswith("api/")])
def test_another_operators_partner_key_gets_404_everywhere(client, world, path):
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import api_key_create
    from shared_apps.audit.actor import Actor

    _key, token = api_key_create(
        actor=Actor.system("tests"),
        operator=world.operator_b,
        name="sweep",
        company=None,
        branch=None,
        profiles=AccessProfile.objects.filter(operator=world.operator_b, company=world.b1),
    )
    response = client.get(f"/c/a-one/{path}", HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert response.status_code == 404, (path, response.status_code)


@pytest.mark.parametrize("path", [p for p in COMPANY_PATHS if p not in PUBLIC])
def test_anonymous_visitors_get_no_data(client, path):
    response = client.get(f"/c/a-one/{path}")
    assert response.status_code in (302, 401, 403, 404), (path, response.status_code)
