"""Reading collections: payments with their allocations, bank return files, dunning events,
and the customer 360's collections panel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from .choices import PaymentStatus
from .models import Allocation, BankReturn, BankReturnLine, DunningEvent, Payment

RECENT_PAYMENTS = 5


def payment_list(
    *,
    customer_id: int | None = None,
    group_id: int | None = None,
    origin: str = "",
    status: str = "",
    branch_id: int | None = None,
    received_from: date | None = None,
    received_until: date | None = None,
) -> QuerySet[Payment]:
    rows = Payment.objects.select_related("customer", "group")
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    if group_id:
        rows = rows.filter(group_id=group_id)
    if origin:
        rows = rows.filter(origin=origin)
    if status:
        rows = rows.filter(status=status)
    if branch_id:
        rows = rows.filter(branch_id=branch_id)
    if received_from:
        rows = rows.filter(received_on__gte=received_from)
    if received_until:
        rows = rows.filter(received_on__lte=received_until)
    return rows.order_by("-received_on", "-id")


def payment_detail_queryset() -> QuerySet[Payment]:
    return Payment.objects.select_related(
        "customer", "group", "entry", "reversal_entry", "bank_return"
    ).prefetch_related(
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("invoice").order_by("id"),
        )
    )


def payment_credit(payment: Payment) -> Decimal:
    """What of the payment no invoice took (0 once reversed); reads its (prefetched)
    allocations."""
    if payment.status == PaymentStatus.REVERSED:
        return Decimal("0.00")
    return payment.amount - sum((a.amount for a in payment.allocations.all()), Decimal("0.00"))


def bank_return_list() -> QuerySet[BankReturn]:
    return BankReturn.objects.defer("data").order_by("-created_at", "-id")


def bank_return_detail_queryset() -> QuerySet[BankReturn]:
    return BankReturn.objects.defer("data").prefetch_related(
        Prefetch("lines", queryset=BankReturnLine.objects.order_by("line_no", "id"))
    )


def dunning_events(*, customer_id: int | None = None) -> QuerySet[DunningEvent]:
    rows = DunningEvent.objects.select_related("customer", "payment")
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    return rows.order_by("-at", "-id")


def customer_collections(customer_id: int, *, today: date | None = None) -> dict[str, Any]:
    """The 360's collections panel: the overdue debt and its age, the overdue invoices, the
    services suspended for debt with the latest dunning event (why), the last payments."""
    from tenant_apps.billing.choices import InvoiceStatus
    from tenant_apps.billing.models import Invoice
    from tenant_apps.ledger.selectors import customer_debt
    from tenant_apps.parameters.selectors import company_parameters, company_today
    from tenant_apps.sales.choices import SubscriptionStatus, SuspensionReason
    from tenant_apps.sales.models import Subscription

    params = company_parameters()
    today = today or company_today(params.time_zone)
    debt = customer_debt(customer_id, today=today, time_zone=params.time_zone)
    overdue = list(
        Invoice.objects.filter(
            customer_id=customer_id,
            status=InvoiceStatus.OPEN,
            open_amount__gt=0,
            due_on__lt=today,
        ).order_by("due_on", "id")
    )
    suspended = list(
        Subscription.objects.filter(
            customer_id=customer_id,
            status=SubscriptionStatus.SUSPENDED,
            suspension=SuspensionReason.DEBT,
        ).select_related("product")
    )
    return {
        "debt": debt,
        "grace_days": params.grace_days,
        "overdue_invoices": overdue,
        "suspended": suspended,
        "last_event": dunning_events(customer_id=customer_id).first(),
        "payments": list(payment_list(customer_id=customer_id)[:RECENT_PAYMENTS]),
    }
