from django.db.models import QuerySet

from .models import Command


def commands_for(*, customer_id: int | None = None) -> QuerySet[Command]:
    rows = Command.objects.select_related("subscription", "subscription__product")
    if customer_id is not None:
        rows = rows.filter(subscription__customer_id=customer_id)
    return rows.order_by("-created_at", "-id")
