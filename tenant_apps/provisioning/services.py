"""Recording provisioning commands (idempotent: one per cause)."""

from __future__ import annotations

from django.db import transaction

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record

from .models import Command


@transaction.atomic
def command_issue(
    *,
    actor: Actor,
    subscription,
    action: str,
    reason: str,
    idempotency_key: str,
    note: str = "",
) -> Command:
    """Record ``action`` for ``subscription``'s service; the same key records it once."""
    existing = Command.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    command = Command(
        subscription=subscription,
        action=action,
        reason=reason,
        system=subscription.product.system if subscription.product_id else "",
        note=note[:200],
        created_by=actor.label,
        idempotency_key=idempotency_key,
    )
    command.full_clean()
    command.save()
    audit_record(
        actor=actor,
        action="provisioning.command",
        target=command,
        changes={"subscription": subscription.pk, "action": action, "reason": reason},
    )
    return command
