from django.db.models import QuerySet

from .models import AuditEvent


def audit_events(*, action: str | None = None, object_type: str | None = None) -> QuerySet:
    """Audit events of the current schema, newest first."""
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs
