from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import form_saved
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


class CityCreateView(FunctionRequiredMixin, View):
    function = "catalog.manage"

    def post(self, request):
        form = CityForm(request.POST, prefix="city")
        if form_saved(form, lambda data: city_create(actor=Actor.from_request(request), data=data)):
            messages.success(request, _("City saved."))
            return redirect("locations")
        return _locations_page(request, city_form=form, status=400)


class ZoneCreateView(FunctionRequiredMixin, View):
    function = "catalog.manage"

    def post(self, request):
        form = ZoneForm(request.POST, prefix="zone")
        if form_saved(form, lambda data: zone_create(actor=Actor.from_request(request), data=data)):
            messages.success(request, _("Zone saved."))
            return redirect("locations")
        return _locations_page(request, zone_form=form, status=400)


class _EditView(FunctionRequiredMixin, View):
    """Edit one city or zone: ``get_row`` finds it, ``update`` is its service."""

    function = "catalog.manage"
    kind = ""
    form_class = None
    saved = ""

    def get_row(self, pk):
        raise NotImplementedError

    def update(self, *, actor, row, data):
        raise NotImplementedError

    def _row(self, pk):
        row = self.get_row(pk)
        if row is None:
            raise Http404
        return row

    def _render(self, request, row, form, status=200):
        return render(
            request,
            "locations/edit_form.html",
            {"title": str(row), "form": form, "kind": self.kind},
            status=status,
        )

    def get(self, request, pk):
        row = self._row(pk)
        return self._render(request, row, self.form_class(instance=row))

    def post(self, request, pk):
        row = self._row(pk)
        form = self.form_class(request.POST, instance=self.get_row(row.pk))
        actor = Actor.from_request(request)
        if form_saved(form, lambda data: self.update(actor=actor, row=row, data=data)):
            messages.success(request, self.saved)
            return redirect("locations")
        return self._render(request, row, form, status=400)


class CityEditView(_EditView):
    kind = "city"
    form_class = CityForm
    saved = _lazy("City saved.")

    def get_row(self, pk):
        return city_get(pk=pk)

    def update(self, *, actor, row, data):
        return city_update(actor=actor, city=row, data=data)


class ZoneEditView(_EditView):
    """Rename a zone or tick the technologies it covers."""

    kind = "zone"
    form_class = ZoneForm
    saved = _lazy("Zone saved.")

    def get_row(self, pk):
        return zone_get(pk=pk)

    def update(self, *, actor, row, data):
        return zone_update(actor=actor, zone=row, data=data)
