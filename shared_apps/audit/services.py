"""Writing the audit trail. Called by services, inside their transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection, models

from .actor import Actor
from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return (
            sorted(_plain(v) for v in value)
            if isinstance(value, set | frozenset)
            else [_plain(v) for v in value]
        )
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    object_type: str | None = None,
    changes: dict[str, Any] | None = None,
    operator_id: int | None = None,
    company_id: int | None = None,
) -> AuditEvent:
    """Record who did what to which object, from which position, in the current schema."""
    tenant = getattr(connection, "tenant", None)
    if company_id is None and getattr(tenant, "pk", None) is not None:
        company_id = tenant.pk
        operator_id = operator_id or getattr(tenant, "operator_id", None)
    elif company_id is not None and getattr(tenant, "pk", None) is None:
        # A platform change about one company (its branches, profiles, members) is written in
        # that company's own trail, so its administrators see it with the rest.
        from tenants.models import Company
        from tenants.schemas import company_context

        company = Company.objects.filter(pk=company_id, status="ready").first()
        if company is not None:
            with company_context(company):
                return _create(actor, action, target, object_type, changes, operator_id, company_id)
    return _create(actor, action, target, object_type, changes, operator_id, company_id)


def _create(actor, action, target, object_type, changes, operator_id, company_id) -> AuditEvent:
    return AuditEvent.objects.create(
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        actor_label=actor.label[:150],
        operator_id=operator_id,
        company_id=company_id,
        branch_id=actor.branch_id,
        branch_label=actor.branch_label[:150],
        ip_address=actor.ip_address,
        action=action,
        object_type=object_type or (target._meta.label_lower if target is not None else ""),
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
