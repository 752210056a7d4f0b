"""Customer pages: list with live search, new customer, the customer 360, edits, groups."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors, form_saved
from tenant_apps.parameters.selectors import company_parameters

from .forms import (
    AddressEditForm,
    AddressForm,
    ContactForm,
    ContactRecordForm,
    CustomerCreateForm,
    CustomerForm,
    GroupForm,
)
from .models import Address, Contact, Customer, Group
from .selectors import customer_overview, customer_search, group_list
from .services import (
    address_add,
    address_update,
    contact_add,
    contact_record_create,
    contact_remove,
    customer_create,
    customer_update,
    group_create,
    group_update,
)
from .tax_ids import tax_id_label

RECENT = 20


class CustomerListView(FunctionRequiredMixin, View):
    """The list: a search box with live results (htmx partial); the newest customers when no
    query is given."""

    function = "customers.view"

    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        if query:
            rows = customer_search(query, limit=50)
        else:
            rows = list(Customer.objects.order_by("-id")[:RECENT])
        context = {
            "query": query,
            "customers": rows,
            "can_manage": request.access.can("customers.manage"),
        }
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return render(request, "customers/_results.html", context)
        return render(request, "customers/list.html", context)


class CustomerCreateView(FunctionRequiredMixin, View):
    function = "customers.manage"

    def _form(self, data=None):
        return CustomerCreateForm(data, country=company_parameters().country)

    def get(self, request):
        return render(request, "customers/form.html", {"form": self._form(), "new": True})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                customer = customer_create(
                    actor=Actor.from_request(request), **form.service_kwargs()
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request, _("Customer %(code)s registered.") % {"code": customer.code}
                )
                return redirect("customer-detail", customer.pk)
        return render(request, "customers/form.html", {"form": form, "new": True}, status=400)


def _form_errors(form, exc: ValidationError) -> None:
    """Service errors on the form; "address.zone" / "contacts.0.value" map to the flat fields."""
    if hasattr(exc, "error_dict"):
        mapped = {}
        for key, errors in exc.message_dict.items():
            parts = key.split(".")
            if parts[0] == "contacts" and len(parts) > 1 and parts[1].isdigit():
                index = int(parts[1])
                name = form.contact_fields[index] if index < len(form.contact_fields) else None
            else:
                name = parts[-1]
            mapped.setdefault(name if name in form.fields else "__all__", []).extend(errors)
        exc = ValidationError(mapped)
    add_form_errors(form, exc)


def _parse_times(rows, key="at"):
    for row in rows:
        if isinstance(row.get(key), str):
            row[key] = datetime.fromisoformat(row[key])
    return rows


class CustomerDetailView(FunctionRequiredMixin, View):
    """The customer 360: addresses with their products, balance and debt, open requests,
    contact records (with a form to record one) and history."""

    function = "customers.view"

    def get(self, request, pk, record_form=None, status=200):
        data = customer_overview(pk)
        if data is None:
            raise Http404
        _parse_times(data["contact_records"])
        _parse_times(data["history"])
        _parse_times(data["open_requests"], "created_at")
        sell_url = reverse("sale-new") if request.access.can("sales.sell") else None
        context = {
            "c": data,
            "tax_id_label": tax_id_label(data["tax_id_country"], data["kind"]),
            "sell_url": sell_url,
            "can_manage": request.access.can("customers.manage"),
            "can_record": request.access.can("contacts.register"),
            "record_form": record_form or ContactRecordForm(),
        }
        return render(request, "customers/detail.html", context, status=status)


class CustomerEditView(FunctionRequiredMixin, View):
    function = "customers.manage"

    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = CustomerForm(instance=customer, country=customer.tax_id_country)
        return render(request, "customers/form.html", {"form": form, "customer": customer})

    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = CustomerForm(request.POST, instance=customer, country=customer.tax_id_country)
        actor = Actor.from_request(request)
        if form_saved(
            form, lambda data: customer_update(actor=actor, customer=customer, data=data)
        ):
            messages.success(request, _("Customer saved."))
            return redirect("customer-detail", customer.pk)
        return render(
            request, "customers/form.html", {"form": form, "customer": customer}, status=400
        )


class AddressCreateView(FunctionRequiredMixin, View):
    function = "customers.manage"

    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        return render(
            request, "customers/address_form.html", {"form": AddressForm(), "customer": customer}
        )

    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = AddressForm(request.POST)
        actor = Actor.from_request(request)
        if form_saved(form, lambda data: address_add(actor=actor, customer=customer, **data)):
            messages.success(request, _("Address added."))
            return redirect("customer-detail", customer.pk)
        return render(
            request,
            "customers/address_form.html",
            {"form": form, "customer": customer},
            status=400,
        )


class AddressEditView(FunctionRequiredMixin, View):
    function = "customers.manage"

    def get(self, request, pk, address_id):
        address = get_object_or_404(Address, pk=address_id, customer_id=pk)
        return render(
            request,
            "customers/address_form.html",
            {"form": AddressEditForm(instance=address), "customer": address.customer},
        )

    def post(self, request, pk, address_id):
        address = get_object_or_404(Address, pk=address_id, customer_id=pk)
        form = AddressEditForm(request.POST, instance=address)
        actor = Actor.from_request(request)
        if form_saved(form, lambda data: address_update(actor=actor, address=address, data=data)):
            messages.success(request, _("Address saved."))
            return redirect("customer-detail", pk)
        return render(
            request,
            "customers/address_form.html",
            {"form": form, "customer": address.customer},
            status=400,
        )


class ContactCreateView(FunctionRequiredMixin, View):
    function = "customers.manage"

    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        return render(
            request, "customers/contact_form.html", {"form": ContactForm(), "customer": customer}
        )

    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = ContactForm(request.POST)
        actor = Actor.from_request(request)
        if form_saved(form, lambda data: contact_add(actor=actor, customer=customer, **data)):
            messages.success(request, _("Contact added."))
            return redirect("customer-detail", customer.pk)
        return render(
            request,
            "customers/contact_form.html",
            {"form": form, "customer": customer},
            status=400,
        )


class ContactDeleteView(FunctionRequiredMixin, View):
    function = "customers.manage"

    def post(self, request, pk, contact_id):
        contact = get_object_or_404(Contact, pk=contact_id, customer_id=pk)
        contact_remove(actor=Actor.from_request(request), contact=contact)
        messages.success(request, _("Contact removed."))
        return redirect("customer-detail", pk)


class ContactRecordCreateView(FunctionRequiredMixin, View):
    """Record a contact from the 360 page (C3)."""

    function = "customers.view"
    write_function = "contacts.register"

    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = ContactRecordForm(request.POST)
        actor = Actor.from_request(request)
        if form_saved(
            form, lambda data: contact_record_create(actor=actor, customer=customer, **data)
        ):
            messages.success(request, _("Contact recorded."))
            return redirect("customer-detail", pk)
        return CustomerDetailView().get(request, pk, record_form=form, status=400)


class GroupListView(FunctionRequiredMixin, View):
    function = "customers.view"

    def get(self, request):
        return render(
            request,
            "customers/groups.html",
            {"groups": group_list(), "can_manage": request.access.can("customers.manage")},
        )


class GroupEditView(FunctionRequiredMixin, View):
    """New group (no pk) or edit one."""

    function = "customers.manage"

    def _group(self, pk):
        return get_object_or_404(Group, pk=pk) if pk else None

    def get(self, request, pk=None):
        group = self._group(pk)
        form = GroupForm(instance=group, country=company_parameters().country)
        return render(request, "customers/group_form.html", {"form": form, "group": group})

    def post(self, request, pk=None):
        group = self._group(pk)
        form = GroupForm(request.POST, instance=group, country=company_parameters().country)
        if form.is_valid():
            actor = Actor.from_request(request)
            try:
                if group is None:
                    group_create(actor=actor, **form.cleaned_data)
                else:
                    group_update(actor=actor, group=group, data=form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Group saved."))
                return redirect("groups")
        return render(
            request, "customers/group_form.html", {"form": form, "group": group}, status=400
        )
