"""Reading sales plans, their products, devices, promotions and group plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from tenant_apps.locations.models import Zone
from tenant_apps.parameters.selectors import company_parameters

from .choices import PlanKind
from .models import GroupPlan, PlanDevice, PlanItem, PlanPromotion, SalesPlan


def valid_on_q(on: dt.date) -> Q:
    """Plans whose validity covers ``on`` (``valid_until`` is the last day it can be sold)."""
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def plan_list(
    *, kind: str | None = None, active: bool | None = None, valid_on: dt.date | None = None
) -> QuerySet[SalesPlan]:
    """Plans with their number of products, filtered by kind, active flag and validity date."""
    qs = SalesPlan.objects.annotate(item_count=Count("items", distinct=True))
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(is_active=active)
    if valid_on is not None:
        qs = qs.filter(valid_on_q(valid_on))
    return qs.order_by("name", "id")


def plans_sellable_on(*, on: dt.date) -> QuerySet[SalesPlan]:
    """Active plans valid on ``on`` (the other conditions depend on the customer and address)."""
    return plan_list(active=True, valid_on=on)


def plan_items(*, plan: SalesPlan | int) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(plan=plan)
        .select_related("product")
        .prefetch_related("promotions")
        .order_by("id")
    )


def plan_devices(*, plan: SalesPlan | int) -> QuerySet[PlanDevice]:
    return (
        PlanDevice.objects.filter(plan=plan)
        .select_related("device_model")
        .order_by("device_model__vendor", "device_model__model", "id")
    )


def plan_promotions(*, plan: SalesPlan | int) -> QuerySet[PlanPromotion]:
    return PlanPromotion.objects.filter(plan=plan).select_related("item__product").order_by("id")


def group_plan_list(
    *, plan: SalesPlan | int | None = None, group: int | None = None
) -> QuerySet[GroupPlan]:
    qs = GroupPlan.objects.select_related("group", "plan").prefetch_related(
        Prefetch("group_items", queryset=PlanItem.objects.select_related("product"))
    )
    if plan is not None:
        qs = qs.filter(plan=plan)
    if group is not None:
        qs = qs.filter(group=group)
    return qs.order_by("group__name", "plan__name", "id")


def plan_detail_queryset() -> QuerySet[SalesPlan]:
    """Plans with everything the detail page and API show, in a fixed number of queries."""
    return SalesPlan.objects.prefetch_related(
        "cities",
        Prefetch("zones", queryset=Zone.objects.select_related("city")),
        Prefetch(
            "items",
            queryset=PlanItem.objects.select_related("product").order_by("id"),
        ),
        Prefetch(
            "devices",
            queryset=PlanDevice.objects.select_related("device_model").order_by(
                "device_model__vendor", "device_model__model", "id"
            ),
        ),
        Prefetch(
            "promotions",
            queryset=PlanPromotion.objects.select_related("item__product").order_by("id"),
        ),
        Prefetch(
            "group_plans",
            queryset=GroupPlan.objects.select_related("group")
            .prefetch_related(
                Prefetch("group_items", queryset=PlanItem.objects.select_related("product"))
            )
            .order_by("group__name", "id"),
        ),
    )


def plan_min_recharge(*, plan: SalesPlan) -> Decimal | None:
    """The minimum recharge of a prepaid plan: its own, or the company's; None when postpaid."""
    if plan.kind != PlanKind.PREPAID:
        return None
    if plan.min_recharge is not None:
        return plan.min_recharge
    return company_parameters().prepaid_min_recharge


def plan_detail(*, pk: int) -> SalesPlan:
    """One plan with its cities, zones, products, devices, promotions and group plans
    prefetched. Raises SalesPlan.DoesNotExist."""
    return plan_detail_queryset().get(pk=pk)
