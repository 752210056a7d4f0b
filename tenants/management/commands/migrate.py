"""`migrate` is `migrate_schemas` (as in django-tenants), with our template-aware version."""

from .migrate_schemas import Command

__all__ = ["Command"]
