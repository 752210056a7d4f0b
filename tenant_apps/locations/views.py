from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors
from tenant_apps.catalog.choices import Technology

from .forms import CityForm, ZoneForm
from .selectors import cities_with_zones, city_get, zone_get
from .services import city_create, city_update, zone_create, zone_update


def _locations_page(request, *, city_form=None, zone_form=None, status=200):
    can_manage = request.access.can("catalog.manage")
    cities = []
    for city in cities_with_zones():
        rows = [
            (
                zone,
                [(value, label, value in zone.technologies) for value, label in Technology.choices],
            )
            for zone in city.zones.all()
        ]
        cities.append((city, rows))
    context = {
        "cities": cities,
        "technologies": Technology.choices,
        "can_manage": can_manage,
    }
    if can_manage:
        context["city_form"] = city_form or CityForm(prefix="city")
        context["zone_form"] = zone_form or ZoneForm(prefix="zone")
    return render(request, "locations/locations.html", context, status=status)


class LocationsView(FunctionRequiredMixin, View):
    """Cities, their zones and the technologies each zone covers; add forms for managers."""

    function = "customers.view"

    def get(self, request):
        return _locations_page(request)


class _SaveMixin:
    def _save(self, request, form, save):
        if form.is_valid():
            try:
                save(actor=Actor.from_request(request), data=form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return True
        return False


class CityCreateView(FunctionRequiredMixin, _SaveMixin, View):
    function = "catalog.manage"

    def post(self, request):
        form = CityForm(request.POST, prefix="city")
        if self._save(request, form, city_create):
            messages.success(request, _("City saved."))
            return redirect("locations")
        return _locations_page(request, city_form=form, status=400)


class ZoneCreateView(FunctionRequiredMixin, _SaveMixin, View):
    function = "catalog.manage"

    def post(self, request):
        form = ZoneForm(request.POST, prefix="zone")
        if self._save(request, form, zone_create):
            messages.success(request, _("Zone saved."))
            return redirect("locations")
        return _locations_page(request, zone_form=form, status=400)


class CityEditView(FunctionRequiredMixin, _SaveMixin, View):
    function = "catalog.manage"

    def _row(self, pk):
        row = city_get(pk=pk)
        if row is None:
            raise Http404
        return row

    def _render(self, request, row, form, status=200):
        return render(
            request,
            "locations/edit_form.html",
            {"title": str(row), "form": form, "kind": "city"},
            status=status,
        )

    def get(self, request, pk):
        row = self._row(pk)
        return self._render(request, row, CityForm(instance=row))

    def post(self, request, pk):
        row = self._row(pk)
        form = CityForm(request.POST, instance=city_get(pk=row.pk))

        def save(*, actor, data):
            return city_update(actor=actor, city=row, data=data)

        if self._save(request, form, save):
            messages.success(request, _("City saved."))
            return redirect("locations")
        return self._render(request, row, form, status=400)


class ZoneEditView(FunctionRequiredMixin, _SaveMixin, View):
    """Rename a zone or tick the technologies it covers."""

    function = "catalog.manage"

    def _row(self, pk):
        row = zone_get(pk=pk)
        if row is None:
            raise Http404
        return row

    def _render(self, request, row, form, status=200):
        return render(
            request,
            "locations/edit_form.html",
            {"title": str(row), "form": form, "kind": "zone"},
            status=status,
        )

    def get(self, request, pk):
        row = self._row(pk)
        return self._render(request, row, ZoneForm(instance=row))

    def post(self, request, pk):
        row = self._row(pk)
        form = ZoneForm(request.POST, instance=zone_get(pk=row.pk))

        def save(*, actor, data):
            return zone_update(actor=actor, zone=row, data=data)

        if self._save(request, form, save):
            messages.success(request, _("Zone saved."))
            return redirect("locations")
        return self._render(request, row, form, status=400)
