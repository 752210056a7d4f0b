from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors

from .choices import System
from .forms import DeviceModelForm, DevicesForm, ProductForm, ProvisioningForm
from .selectors import device_model_list, product_get, products_by_system
from .services import (
    device_model_create,
    device_model_retire,
    device_model_update,
    product_create,
    product_retire,
    product_update,
)


class CatalogView(FunctionRequiredMixin, View):
    """Products grouped by system, and the device models; edit links for catalog managers."""

    function = "customers.view"

    def get(self, request):
        return render(
            request,
            "catalog/catalog.html",
            {
                "systems": products_by_system(),
                "device_models": device_model_list(),
                "can_manage": request.access.can("catalog.manage"),
            },
        )


def _system_label(system: str) -> str:
    return str(System(system).label) if system in System.values else ""


class ProductFormView(FunctionRequiredMixin, View):
    """Create (no pk) or edit a product with its provisioning attributes and device models."""

    function = "catalog.manage"

    def _product(self, pk):
        if pk is None:
            return None
        product = product_get(pk=pk)
        if product is None:
            raise Http404
        return product

    def _render(self, request, product, form, provisioning_form, devices_form, status=200):
        return render(
            request,
            "catalog/product_form.html",
            {
                "product": product,
                "form": form,
                "provisioning_form": provisioning_form,
                "system_label": _system_label(provisioning_form.system),
                "devices_form": devices_form,
            },
            status=status,
        )

    def _forms(self, request, product, data=None):
        url = reverse("catalog-provisioning-fields")
        if product is not None:
            url += f"?product={product.pk}"
        form = ProductForm(data, instance=product, provisioning_url=url)
        if data is not None:
            system = data.get("system", "")
        else:
            system = product.system if product else System.INTERNET
        form.fields["system"].initial = system
        values = product.provisioning if product and product.system == system else {}
        provisioning = ProvisioningForm(data, system=system, initial_values=values)
        current = {d.device_model_id: d.quantity for d in product.devices.all()} if product else {}
        devices = DevicesForm(data, device_models=device_model_list(), current=current)
        return form, provisioning, devices

    def get(self, request, pk=None):
        product = self._product(pk)
        return self._render(request, product, *self._forms(request, product))

    def post(self, request, pk=None):
        product = self._product(pk)
        form, provisioning, devices = self._forms(request, product, request.POST)
        valid = [f.is_valid() for f in (form, provisioning, devices)]
        if all(valid):
            data = {
                **form.cleaned_data,
                "provisioning": provisioning.attributes(),
                "devices": devices.lines(),
            }
            actor = Actor.from_request(request)
            try:
                if product is None:
                    product_create(actor=actor, data=data)
                else:
                    product_update(actor=actor, product=product, data=data)
            except ValidationError as exc:
                _spread_errors(exc, form, provisioning, devices)
            else:
                messages.success(request, _("Product saved."))
                return redirect("catalog")
        return self._render(request, product, form, provisioning, devices, status=400)


def _spread_errors(exc: ValidationError, form, provisioning, devices) -> None:
    """A service's errors onto the three forms: ``provisioning.<name>`` onto the attribute's
    field, ``devices`` onto the devices fieldset, the rest onto the product's fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        if field.startswith("provisioning."):
            name = field.split(".", 1)[1]
            provisioning.add_error(name if name in provisioning.fields else None, errors)
        elif field == "provisioning":
            provisioning.add_error(None, errors)
        elif field == "devices":
            devices.add_error(None, errors)
        else:
            form.add_error(field if field in form.fields else None, errors)


class ProvisioningFieldsView(FunctionRequiredMixin, View):
    """The provisioning fieldset of one system (htmx swaps it in when the system changes)."""

    function = "catalog.manage"

    def get(self, request):
        system = request.GET.get("system", "")
        values = {}
        pk = request.GET.get("product", "")
        if pk.isdigit():
            product = product_get(pk=int(pk))
            if product is not None and product.system == system:
                values = product.provisioning
        return render(
            request,
            "catalog/_provisioning_fields.html",
            {
                "provisioning_form": ProvisioningForm(system=system, initial_values=values),
                "system_label": _system_label(system),
            },
        )


class DeviceModelFormView(FunctionRequiredMixin, View):
    function = "catalog.manage"

    def _row(self, pk):
        if pk is None:
            return None
        row = device_model_list().filter(pk=pk).first()
        if row is None:
            raise Http404
        return row

    def _render(self, request, row, form, status=200):
        return render(
            request,
            "catalog/device_model_form.html",
            {"device_model": row, "form": form},
            status=status,
        )

    def get(self, request, pk=None):
        row = self._row(pk)
        return self._render(request, row, DeviceModelForm(instance=row))

    def post(self, request, pk=None):
        row = self._row(pk)
        form = DeviceModelForm(request.POST, instance=row)
        if form.is_valid():
            actor = Actor.from_request(request)
            try:
                if row is None:
                    device_model_create(actor=actor, data=form.cleaned_data)
                else:
                    device_model_update(actor=actor, device_model=row, data=form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Device model saved."))
                return redirect("catalog")
        return self._render(request, row, form, status=400)


class RetireView(FunctionRequiredMixin, View):
    """Remove a product or device model: deleted when nothing uses it, else deactivated."""

    function = "catalog.manage"
    kind: str = "product"

    def post(self, request, pk):
        actor = Actor.from_request(request)
        if self.kind == "product":
            row = product_get(pk=pk)
            if row is None:
                raise Http404
            kept = product_retire(actor=actor, product=row)
            deleted, deactivated = (
                _("Product deleted."),
                _("The product is in use (plans or subscriptions): it was deactivated instead."),
            )
        else:
            row = device_model_list().filter(pk=pk).first()
            if row is None:
                raise Http404
            kept = device_model_retire(actor=actor, device_model=row)
            deleted, deactivated = (
                _("Device model deleted."),
                _("The device model is in use: it was deactivated instead."),
            )
        messages.success(request, deleted if kept is None else deactivated)
        return redirect("catalog")
