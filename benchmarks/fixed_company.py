"""Middlewares of the comparison variants in tenant_overhead.py (never used by the project).

FixedCompanyMiddleware: the "no tenant middleware" baseline. The process serves one company:
the connection is pointed at its schema once (connection.set_tenant), and each request only gets
``request.company`` / ``request.tenant`` (which the access middleware and views read). No route
lookup, no URLconf per company (the view is served at /api/v1/... from ROOT_URLCONF), no schema
switch.

StockCompanyShim: placed after django-tenants' stock TenantSubfolderMiddleware, gives our access
middleware the ``request.company`` it expects.
"""

from __future__ import annotations

import os

from django.db import connection


class FixedCompanyMiddleware:
    company = None  # set by the benchmark; otherwise read once from BENCH_COMPANY (a slug)

    def __init__(self, get_response):
        self.get_response = get_response
        self._company = None

    def _pin(self):
        from tenants.models import Company

        company = type(self).company or Company.objects.get(
            slug=os.environ.get("BENCH_COMPANY", "bench-001")
        )
        connection.set_tenant(company)
        self._company = company
        return company

    def __call__(self, request):
        company = self._company or self._pin()
        request.tenant = company
        request.company = company
        request.route_via = "fixed"
        return self.get_response(request)


class StockCompanyShim:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from tenants.models import Company

        tenant = getattr(request, "tenant", None)
        request.company = tenant if isinstance(tenant, Company) else None
        request.route_via = "subfolder"
        return self.get_response(request)
