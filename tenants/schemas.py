"""Choosing the schema explicitly: for requests, tasks, consumers and scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from .models import Company


def activate_company(company: Company) -> None:
    """Point the connection at a company's schema.

    When the (pooled) connection already points at that schema the cached search_path is
    kept, so no `SET search_path` is sent again.
    """
    if connection.schema_name == company.schema_name and connection.search_path_set_schemas:
        connection.tenant = company
        return
    connection.set_tenant(company)


def activate_public() -> None:
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()


def in_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


@contextmanager
def company_context(company: Company) -> Iterator[Company]:
    with tenant_context(company):
        yield company


@contextmanager
def public_context() -> Iterator[None]:
    with schema_context(get_public_schema_name()):
        yield
