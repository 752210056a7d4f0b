"""Resolve a request's company from its path (/c/<route>/) or its hostname.

Lookups are cached in the process for TENANT_ROUTE_CACHE_SECONDS (and dropped at once in the
process that changes a company or a route), so a request costs no query to find its company.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from types import ModuleType

from django.conf import settings
from django_tenants.urlresolvers import get_subfolder_urlconf

from .choices import CompanyStatus, RouteKind
from .models import Company, Route

_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[float, Company | None]] = {}
_urlconfs: dict[str, ModuleType] = {}

SUBFOLDER_PREFIX = "/c/"


@dataclass(frozen=True)
class ResolvedRoute:
    company: Company | None
    urlconf: str | ModuleType
    via: str  # "subfolder", "hostname" or "public"


def _lookup(kind: str, key: str) -> Company | None:
    now = time.monotonic()
    hit = _cache.get((kind, key))
    if hit and hit[0] > now:
        return hit[1]
    route = (
        Route.objects.select_related("tenant", "tenant__operator")
        .filter(domain=key, kind=kind, tenant__is_active=True, tenant__operator__is_active=True)
        .first()
    )
    company = route.tenant if route else None
    with _lock:
        _cache[(kind, key)] = (now + settings.TENANT_ROUTE_CACHE_SECONDS, company)
    return company


def forget_routes() -> None:
    """Drop every cached lookup (called when a company or route changes)."""
    with _lock:
        _cache.clear()


def company_for_subfolder(route: str) -> Company | None:
    company = _lookup(RouteKind.SUBFOLDER, route)
    if company is not None and company.status != CompanyStatus.READY:
        return None
    return company


def company_for_hostname(hostname: str) -> Company | None:
    company = _lookup(RouteKind.HOSTNAME, hostname)
    if company is not None and company.status != CompanyStatus.READY:
        return None
    return company


def subfolder_urlconf(company: Company, route: str) -> ModuleType:
    """The company URLconf mounted under /c/<route>/, built once per route."""
    module = _urlconfs.get(route)
    if module is None:
        company.domain_subfolder = route
        module = get_subfolder_urlconf(company)
        _urlconfs[route] = module
    return module


def route_from_path(path: str) -> str | None:
    if path.startswith(SUBFOLDER_PREFIX):
        return path[len(SUBFOLDER_PREFIX) :].split("/", 1)[0] or None
    return None


def resolve(path: str, hostname: str) -> ResolvedRoute | None:
    """Company and URLconf for a request; None when a /c/<route>/ names no ready company."""
    route = route_from_path(path)
    if route is not None:
        company = company_for_subfolder(route)
        if company is None:
            return None
        return ResolvedRoute(company, subfolder_urlconf(company, route), "subfolder")
    company = company_for_hostname(hostname)
    if company is not None:
        return ResolvedRoute(company, settings.ROOT_URLCONF, "hostname")
    return ResolvedRoute(None, settings.PUBLIC_SCHEMA_URLCONF, "public")
