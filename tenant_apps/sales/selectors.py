"""Reading sales, subscriptions and service requests (the sale side of the sales app)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from .choices import SubscriptionStatus
from .models import (
    PlanItem,
    Sale,
    SalesPlan,
    ServiceRequest,
    Subscription,
    SubscriptionPromotion,
)

ALIVE = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED)


def plans_sellable(*, today: dt.date) -> QuerySet[SalesPlan]:
    """Active plans valid on ``today`` (``valid_until`` is the last day they can be sold)."""
    return (
        SalesPlan.objects.filter(is_active=True, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("name")
    )


def plan_optional_items(*, plan: SalesPlan) -> QuerySet[PlanItem]:
    """The products a customer may add to the plan at the sale (not included by default)."""
    return plan.items.filter(included=False).select_related("product").order_by("id")


def plan_additional_items(*, plan: SalesPlan) -> QuerySet[PlanItem]:
    return plan.items.filter(product__role="additional").select_related("product").order_by("id")


def sale_list(*, customer_id: int | None = None, kind: str | None = None) -> QuerySet[Sale]:
    qs = Sale.objects.select_related("customer", "plan", "address")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")


def sale_detail_queryset() -> QuerySet[Sale]:
    return Sale.objects.select_related("customer", "plan", "address__zone__city").prefetch_related(
        Prefetch(
            "subscriptions",
            queryset=Subscription.objects.select_related(
                "product", "main__product", "billed_to_group"
            )
            .prefetch_related("promotions")
            .order_by("id"),
        ),
        Prefetch("requests", queryset=ServiceRequest.objects.order_by("id")),
    )


def subscription_list(
    *,
    customer_id: int | None = None,
    status: str | None = None,
    address_id: int | None = None,
) -> QuerySet[Subscription]:
    qs = Subscription.objects.select_related(
        "product", "plan", "sale", "address", "customer", "billed_to_group"
    ).prefetch_related(
        Prefetch("promotions", queryset=SubscriptionPromotion.objects.order_by("id"))
    )
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if address_id:
        qs = qs.filter(address_id=address_id)
    return qs.order_by("address_id", "id")


def subscriptions_alive_at(*, address_id: int) -> QuerySet[Subscription]:
    """Products pending, active or suspended at an address."""
    return (
        Subscription.objects.filter(address_id=address_id, status__in=ALIVE)
        .select_related("product", "plan")
        .order_by("id")
    )


def service_request_list(
    *,
    kind: str | None = None,
    status: str | None = None,
    customer_id: int | None = None,
) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.select_related("customer", "address", "sale").prefetch_related(
        Prefetch("subscriptions", queryset=Subscription.objects.select_related("product"))
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("-created_at", "-id")
