"""Guards that make every task say which schema it runs in."""

from __future__ import annotations

import functools

from django.db import connection
from django_tenants.utils import get_public_schema_name


class WrongSchema(RuntimeError):
    pass


def company_task(func):
    """The task must run in a company schema (tenant-schemas-celery carries it in the message).

    A company task enqueued from the public schema would silently read or write nothing, or
    the wrong data: it is refused instead.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            raise WrongSchema(f"{func.__name__} must run in a company schema, not in public")
        return func(*args, **kwargs)

    return wrapper


def public_task(func):
    """The task must run in the public schema."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if connection.schema_name != get_public_schema_name():
            raise WrongSchema(f"{func.__name__} must run in the public schema")
        return func(*args, **kwargs)

    return wrapper
