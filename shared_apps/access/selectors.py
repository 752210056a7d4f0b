"""Reads for the central view and the administration pages (public schema)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tenants.models import Company, Operator

from .models import AccessProfile, Membership, PartnerApiKey


def central_overview(*, operator_ids: list[int]) -> QuerySet[Operator]:
    """Operators with their companies and branch counts, for the central view."""
    return (
        Operator.objects.filter(pk__in=operator_ids, is_active=True)
        .prefetch_related(_companies_prefetch())
        .order_by("name")
    )


def _companies_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "companies",
        queryset=Company.objects.filter(is_active=True)
        .annotate(
            service_branches=Count("branches", filter=Q(branches__kind="service")),
            technical_branches=Count("branches", filter=Q(branches__kind="technical")),
        )
        .order_by("name"),
    )


def company_profiles(*, company: Company) -> QuerySet[AccessProfile]:
    return AccessProfile.objects.filter(company=company).order_by("name")


def company_members(*, company: Company) -> QuerySet[Membership]:
    return Membership.objects.filter(company=company, is_active=True).select_related("user")


def operator_api_keys(*, operator_ids: list[int]) -> QuerySet[PartnerApiKey]:
    return (
        PartnerApiKey.objects.filter(operator_id__in=operator_ids)
        .select_related("operator", "company", "branch")
        .prefetch_related("profiles")
    )


def operator_memberships(*, operator_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(operator_id=operator_id)
        .select_related("user", "company")
        .prefetch_related("profiles", "branches")
        .order_by("user__username", "company__name")
    )
