"""Sale pages: sell (check, then confirm), the sale, the products sold and what is done to them.

Views parse and render; ``services.selling`` decides. Each page declares its function; a
POST also needs the right position (P3: selling and cancelling at a customer-service branch),
checked by ``FunctionRequiredMixin``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors
from tenant_apps.customers.models import Address, Customer
from tenant_apps.parameters.selectors import company_today

from .choices import SubscriptionStatus
from .forms import (
    ActivateForm,
    AdditionalForm,
    CancelForm,
    CustomerLookupForm,
    PlanChangeForm,
    RemoveForm,
    SaleForm,
    ServiceRequestFilterForm,
)
from .models import Subscription
from .selectors import (
    ALIVE,
    sale_detail_queryset,
    sale_list,
    service_request_list,
    subscription_list,
)
from .services.selling import (
    SaleRefused,
    additional_add,
    additional_remove,
    customer_cancel,
    plan_change,
    sale_check,
    sale_create,
    subscription_activate_manually,
    subscription_cancel,
)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _customer_url(customer_id: int) -> str:
    try:
        return reverse("customer-detail", args=[customer_id])
    except NoReverseMatch:
        return reverse("subscriptions") + f"?customer={customer_id}"


def _page(request, queryset, size=50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- selling ---------------------------------------------------------------------------------


class SaleNewView(FunctionRequiredMixin, View):
    """Sell a plan: GET ?customer=&address= (from the customer page); POST ``step=check``
    shows each failing condition, ``step=confirm`` sells."""

    function = "sales.sell"
    template = "sales/sale_new.html"

    def _customer(self, request):
        pk = _int(request.POST.get("customer") or request.GET.get("customer"))
        if pk is None:
            return None
        customer = Customer.objects.filter(pk=pk).first()
        if customer is None:
            raise Http404
        return customer

    def _render(self, request, customer, form, *, failures=None, checked=False, status=200):
        return render(
            request,
            self.template,
            {
                "customer": customer,
                "form": form,
                "failures": failures or [],
                "checked": checked,
                "customer_url": _customer_url(customer.pk),
            },
            status=status,
        )

    def get(self, request):
        customer = self._customer(request)
        if customer is None:
            lookup = CustomerLookupForm(request.GET or None)
            if lookup.is_valid():
                found = Customer.objects.filter(
                    code__iexact=lookup.cleaned_data["customer_code"].strip()
                ).first()
                if found is not None:
                    return redirect(f"{reverse('sale-new')}?customer={found.pk}")
                lookup.add_error("customer_code", _("No customer with this number."))
            return render(request, "sales/sale_lookup.html", {"form": lookup})
        initial = {}
        address_id = _int(request.GET.get("address"))
        if address_id:
            initial["address"] = address_id
        plan_id = _int(request.GET.get("plan"))
        if plan_id:
            initial["plan"] = plan_id
        form = SaleForm(
            initial=initial,
            customer=customer,
            today=company_today(),
            plan_id=plan_id,
            reload_url=reverse("sale-new"),
        )
        return self._render(request, customer, form)

    def post(self, request):
        customer = self._customer(request)
        if customer is None:
            raise Http404
        form = SaleForm(
            request.POST,
            customer=customer,
            today=company_today(),
            plan_id=_int(request.POST.get("plan")),
            reload_url=reverse("sale-new"),
        )
        if not form.is_valid():
            return self._render(request, customer, form, status=400)
        data = form.cleaned_data
        args = {
            "customer": customer,
            "address": data["address"],
            "plan": data["plan"],
            "optional_items": list(data["optional_items"]),
        }
        try:
            if request.POST.get("step") != "confirm":
                failures = sale_check(**args)
                return self._render(
                    request,
                    customer,
                    form,
                    failures=failures,
                    checked=True,
                    status=200 if not failures else 400,
                )
            sale = sale_create(
                actor=Actor.from_request(request),
                idempotency_key=data["idempotency_key"] or None,
                **args,
            )
        except SaleRefused as exc:
            return self._render(
                request, customer, form, failures=exc.failures, checked=True, status=400
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self._render(request, customer, form, status=400)
        messages.success(request, _("Sale %(number)s made.") % {"number": sale.number})
        return redirect("sale-detail", sale.pk)


class SaleListView(FunctionRequiredMixin, View):
    function = "customers.view"

    def get(self, request):
        customer_id = _int(request.GET.get("customer"))
        page = _page(request, sale_list(customer_id=customer_id))
        return render(request, "sales/sale_list.html", {"page": page, "customer_id": customer_id})


class SaleDetailView(FunctionRequiredMixin, View):
    function = "customers.view"

    def get(self, request, pk):
        sale = get_object_or_404(sale_detail_queryset(), pk=pk)
        access = request.access
        return render(
            request,
            "sales/sale_detail.html",
            {
                "sale": sale,
                "alive": ALIVE,
                "can_sell": access.can("sales.sell"),
                "can_cancel": access.can("sales.cancel"),
                "can_activate": access.can("subscriptions.activate"),
                "customer_url": _customer_url(sale.customer_id),
            },
        )


# --- products sold ---------------------------------------------------------------------------


class SubscriptionListView(FunctionRequiredMixin, View):
    """Products sold; ?customer=, ?address=, ?status=."""

    function = "customers.view"

    def get(self, request):
        status = request.GET.get("status")
        if status not in SubscriptionStatus.values:
            status = None
        qs = subscription_list(
            customer_id=_int(request.GET.get("customer")),
            address_id=_int(request.GET.get("address")),
            status=status,
        )
        access = request.access
        return render(
            request,
            "sales/subscription_list.html",
            {
                "page": _page(request, qs),
                "statuses": SubscriptionStatus.choices,
                "status": status or "",
                "customer_id": _int(request.GET.get("customer")),
                "alive": ALIVE,
                "can_cancel": access.can("sales.cancel"),
                "can_sell": access.can("sales.sell"),
                "can_activate": access.can("subscriptions.activate"),
            },
        )


class _SubscriptionAction(FunctionRequiredMixin, View):
    """A form about one product: GET shows it, POST calls the service."""

    template = "sales/subscription_action.html"
    title = ""
    form_class = None
    button = ""

    def subscription(self, pk) -> Subscription:
        return get_object_or_404(
            Subscription.objects.select_related("product", "plan", "address", "customer", "sale"),
            pk=pk,
        )

    def make_form(self, request, sub, data=None):
        return self.form_class(data)

    def render_form(self, request, sub, form, *, failures=None, status=200):
        return render(
            request,
            self.template,
            {
                "sub": sub,
                "form": form,
                "title": self.title,
                "button": self.button,
                "failures": failures or [],
                "additionals": sub.additionals.filter(status__in=ALIVE).select_related("product")
                if sub.product.role == "main"
                else [],
            },
            status=status,
        )

    def get(self, request, pk):
        sub = self.subscription(pk)
        return self.render_form(request, sub, self.make_form(request, sub))

    def post(self, request, pk):
        sub = self.subscription(pk)
        form = self.make_form(request, sub, request.POST)
        if form.is_valid():
            try:
                return self.act(request, sub, form.cleaned_data)
            except SaleRefused as exc:
                return self.render_form(request, sub, form, failures=exc.failures, status=400)
            except ValidationError as exc:
                add_form_errors(form, exc)
        return self.render_form(request, sub, form, status=400)


class SubscriptionCancelView(_SubscriptionAction):
    function = "sales.cancel"
    form_class = CancelForm

    @property
    def title(self):
        return _("Cancel product")

    @property
    def button(self):
        return _("Cancel product")

    def act(self, request, sub, data):
        cancelled = subscription_cancel(
            actor=Actor.from_request(request),
            subscription=sub,
            reason=data["reason"],
            note=data["note"],
        )
        messages.success(request, _("%(count)d product(s) cancelled.") % {"count": len(cancelled)})
        return redirect("sale-detail", sub.sale_id)


class AdditionalRemoveView(_SubscriptionAction):
    function = "sales.cancel"
    form_class = RemoveForm

    @property
    def title(self):
        return _("Remove additional product")

    @property
    def button(self):
        return _("Remove")

    def act(self, request, sub, data):
        additional_remove(
            actor=Actor.from_request(request),
            subscription=sub,
            reason=data["reason"],
            note=data["note"],
        )
        messages.success(request, _("Additional product removed."))
        return redirect("sale-detail", sub.sale_id)


class SubscriptionActivateView(_SubscriptionAction):
    function = "subscriptions.activate"
    form_class = ActivateForm

    @property
    def title(self):
        return _("Activate by hand")

    @property
    def button(self):
        return _("Activate")

    def make_form(self, request, sub, data=None):
        return ActivateForm(data, initial={"on": company_today()})

    def act(self, request, sub, data):
        subscription_activate_manually(
            actor=Actor.from_request(request), subscription=sub, on=data["on"], note=data["note"]
        )
        messages.success(request, _("Product activated."))
        return redirect("sale-detail", sub.sale_id)


class SubscriptionChangePlanView(_SubscriptionAction):
    function = "sales.sell"

    @property
    def title(self):
        return _("Change plan")

    @property
    def button(self):
        return _("Change plan")

    def make_form(self, request, sub, data=None):
        today = company_today()
        return PlanChangeForm(
            data, initial={"effective_on": today}, today=today, current_plan_id=sub.plan_id
        )

    def act(self, request, sub, data):
        sale = plan_change(
            actor=Actor.from_request(request),
            subscription=sub,
            new_plan=data["plan"],
            effective_on=data["effective_on"],
            optional_items=list(data["optional_items"]),
            idempotency_key=data["idempotency_key"] or None,
        )
        messages.success(request, _("Plan changed: %(number)s.") % {"number": sale.number})
        return redirect("sale-detail", sale.pk)


class AdditionalNewView(FunctionRequiredMixin, View):
    """Add an additional product at an address (?address=)."""

    function = "sales.sell"

    def _address(self, request):
        pk = _int(request.POST.get("address") or request.GET.get("address"))
        if pk is None:
            raise Http404
        return get_object_or_404(Address.objects.select_related("customer"), pk=pk)

    def _render(self, request, address, form, failures=None, status=200):
        return render(
            request,
            "sales/additional_new.html",
            {
                "address": address,
                "form": form,
                "failures": failures or [],
                "customer_url": _customer_url(address.customer_id),
            },
            status=status,
        )

    def get(self, request):
        address = self._address(request)
        return self._render(request, address, AdditionalForm(today=company_today()))

    def post(self, request):
        address = self._address(request)
        form = AdditionalForm(request.POST, today=company_today())
        if form.is_valid():
            try:
                sale = additional_add(
                    actor=Actor.from_request(request),
                    address=address,
                    item=form.cleaned_data["item"],
                    idempotency_key=form.cleaned_data["idempotency_key"] or None,
                )
            except SaleRefused as exc:
                return self._render(request, address, form, exc.failures, status=400)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Additional product sold: %(n)s.") % {"n": sale.number})
                return redirect("sale-detail", sale.pk)
        return self._render(request, address, form, status=400)


class CustomerCancelView(FunctionRequiredMixin, View):
    """Cancel every product of a customer."""

    function = "sales.cancel"

    def _render(self, request, customer, form, status=200):
        subs = subscription_list(customer_id=customer.pk).filter(status__in=ALIVE)
        return render(
            request,
            "sales/customer_cancel.html",
            {
                "customer": customer,
                "form": form,
                "subs": subs,
                "customer_url": _customer_url(customer.pk),
            },
            status=status,
        )

    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        return self._render(request, customer, CancelForm())

    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                cancelled = customer_cancel(
                    actor=Actor.from_request(request),
                    customer=customer,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Customer cancelled: %(count)d product(s).") % {"count": len(cancelled)},
                )
                return redirect(_customer_url(customer.pk))
        return self._render(request, customer, form, status=400)


# --- service requests ------------------------------------------------------------------------


class ServiceRequestListView(FunctionRequiredMixin, View):
    """Installation, disconnection and device requests for the technical side."""

    function = "customers.view"

    def get(self, request):
        form = ServiceRequestFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        qs = service_request_list(
            kind=filters.get("kind") or None,
            status=filters.get("status") or None,
            customer_id=filters.get("customer"),
        )
        return render(
            request,
            "sales/service_requests.html",
            {
                "form": form if form.is_bound else ServiceRequestFilterForm(),
                "page": _page(request, qs),
            },
            status=200 if not form.is_bound or form.is_valid() else 400,
        )
