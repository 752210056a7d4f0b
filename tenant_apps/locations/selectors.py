"""Reading cities, zones and coverage."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from .models import City, Zone


def city_list() -> QuerySet[City]:
    return City.objects.annotate(zone_count=Count("zones")).order_by("name", "state")


def cities_with_zones() -> QuerySet[City]:
    """Cities with their zones prefetched (two queries), for the coverage page."""
    return City.objects.prefetch_related(Prefetch("zones", queryset=Zone.objects.order_by("name")))


def zone_list(*, city: City | int | None = None, technology: str | None = None) -> QuerySet[Zone]:
    qs = Zone.objects.select_related("city")
    if city is not None:
        qs = qs.filter(city=city)
    if technology:
        qs = qs.filter(technologies__contains=[technology])
    return qs


def zones_with_coverage(*, technology: str | None = None) -> QuerySet[Zone]:
    """Zones that cover ``technology`` (or, without one, any technology at all)."""
    if technology:
        return zone_list(technology=technology)
    return zone_list().exclude(technologies=[])


def zone_covers(zone: Zone, technology: str) -> bool:
    """Whether the zone declares coverage of the access technology (what a sale checks)."""
    return technology in (zone.technologies or [])


def city_get(*, pk: int) -> City | None:
    return City.objects.filter(pk=pk).first()


def zone_get(*, pk: int) -> Zone | None:
    return zone_list().filter(pk=pk).first()
