"""Writing customers, their contacts, addresses and groups (audited)."""

from __future__ import annotations

from django.db import transaction

from .models import Customer
from .status import derive_status


@transaction.atomic
def customer_status_refresh(*, customer_id: int) -> str:
    """Store the status derived from the customer's subscriptions; returns it. Sales services
    call it after every change of a subscription's status."""
    from tenant_apps.sales.models import Subscription

    statuses = Subscription.objects.filter(customer_id=customer_id).values_list("status", flat=True)
    status = derive_status(statuses)
    Customer.objects.filter(pk=customer_id).exclude(status=status).update(status=status)
    return status
