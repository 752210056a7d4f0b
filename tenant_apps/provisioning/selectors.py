from django.db.models import QuerySet

from .models import Command


def commands_for(
    *, customer_id: int | None = None, status: str = "", action: str = ""
) -> QuerySet[Command]:
    rows = Command.objects.select_related(
        "subscription", "subscription__product", "subscription__customer"
    )
    if customer_id is not None:
        rows = rows.filter(subscription__customer_id=customer_id)
    if status:
        rows = rows.filter(status=status)
    if action:
        rows = rows.filter(action=action)
    return rows.order_by("-created_at", "-id")
