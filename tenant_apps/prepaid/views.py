"""Prepaid pages: the wallets, one wallet's entries, a recharge, and the customer 360's prepaid
panel (loaded by htmx). Views parse and render; ``services`` decide. Reading needs
``billing.view``; a recharge ``collections.receive`` at a customer-service branch (P3, checked
by ``FunctionRequiredMixin`` on POST)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors
from tenant_apps.customers.models import Customer

from .forms import RechargeForm, WalletFilterForm
from .selectors import customer_prepaid, wallet_detail_queryset, wallet_entries, wallet_list
from .services import recharge


def _page(request, rows, size=50):
    return Paginator(rows, size).get_page(request.GET.get("page"))


class WalletListView(FunctionRequiredMixin, View):
    function = "billing.view"

    def get(self, request):
        form = WalletFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        active = {"on": True, "off": False}.get(filters.get("active", ""))
        rows = wallet_list(q=filters.get("q", ""), active=active)
        return render(
            request,
            "prepaid/wallet_list.html",
            {
                "form": form,
                "page": _page(request, rows),
                "can_recharge": request.access.can("collections.receive"),
            },
        )


class WalletDetailView(FunctionRequiredMixin, View):
    function = "billing.view"

    def get(self, request, pk):
        wallet = get_object_or_404(wallet_detail_queryset(), pk=pk)
        return render(
            request,
            "prepaid/wallet_detail.html",
            {
                "wallet": wallet,
                "facts": customer_prepaid(wallet.customer_id),
                "page": _page(request, wallet_entries(wallet)),
                "can_recharge": request.access.can("collections.receive"),
            },
        )


class RechargeNewView(FunctionRequiredMixin, View):
    """A recharge (GET ?customer=<id> prefills the customer)."""

    function = "collections.receive"

    def _render(self, request, form, status=200):
        return render(request, "prepaid/recharge_new.html", {"form": form}, status=status)

    def get(self, request):
        initial = {"origin": "cash_desk"}
        customer_id = request.GET.get("customer", "")
        if customer_id.isdigit():
            customer = Customer.objects.filter(pk=int(customer_id)).first()
            if customer is not None:
                initial["customer_code"] = customer.code
        return self._render(request, RechargeForm(initial=initial))

    def post(self, request):
        form = RechargeForm(request.POST)
        if form.is_valid():
            v = form.cleaned_data
            try:
                done = recharge(
                    actor=Actor.from_request(request),
                    customer=v["customer"],
                    amount=v["amount"],
                    origin=v["origin"],
                    idempotency_key=v["idempotency_key"],
                    reference=v["reference"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                if done.reactivated:
                    messages.success(request, _("Recharge received; the services are back on."))
                else:
                    messages.success(request, _("Recharge received."))
                return redirect("prepaid-wallet", pk=done.wallet.pk)
        return self._render(request, form, status=400)


class CustomerPrepaidPanelView(FunctionRequiredMixin, View):
    """The 360's prepaid panel (an htmx partial; empty for a customer without prepaid)."""

    function = "billing.view"

    def get(self, request, customer_id):
        customer = get_object_or_404(Customer, pk=customer_id)
        return render(
            request,
            "prepaid/customer_panel.html",
            {
                "customer": customer,
                "facts": customer_prepaid(customer.pk),
                "can_recharge": request.access.can("collections.receive"),
            },
        )
