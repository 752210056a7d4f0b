"""Collections pages: payments (list, receive, detail with reversal), bank return files
(upload, per-line outcomes) and the customer 360's collections panel (loaded by htmx).

Views parse and render; ``services`` decide. Reading payments needs ``billing.view``;
receiving ``collections.receive`` at a customer-service branch (P3, checked by
``FunctionRequiredMixin`` on POST); reversing and bank return files ``collections.manage``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors
from tenant_apps.customers.models import Customer
from tenant_apps.parameters.selectors import company_today

from .choices import PaymentStatus
from .forms import BankReturnForm, PaymentFilterForm, PaymentForm, ReverseForm
from .models import BankReturn
from .selectors import (
    bank_return_detail_queryset,
    bank_return_list,
    customer_collections,
    payment_credit,
    payment_detail_queryset,
    payment_list,
)
from .services import (
    bank_return_check_size,
    bank_return_upload,
    payment_receive,
    payment_reverse,
)


def _page(request, rows, size=50):
    return Paginator(rows, size).get_page(request.GET.get("page"))


class PaymentListView(FunctionRequiredMixin, View):
    function = "billing.view"

    def get(self, request):
        form = PaymentFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = payment_list(
            customer_id=filters.get("customer"),
            origin=filters.get("origin", ""),
            status=filters.get("status", ""),
            branch_id=filters.get("branch"),
            received_from=filters.get("received_from"),
            received_until=filters.get("received_until"),
        )
        return render(
            request,
            "collections/payment_list.html",
            {
                "form": form,
                "page": _page(request, rows),
                "can_receive": request.access.can("collections.receive"),
            },
        )


class PaymentNewView(FunctionRequiredMixin, View):
    """Receive a payment (GET ?customer=<id> prefills the customer)."""

    function = "collections.receive"

    def get(self, request):
        initial = {"received_on": company_today(), "origin": "cash_desk"}
        customer_id = request.GET.get("customer", "")
        if customer_id.isdigit():
            customer = Customer.objects.filter(pk=int(customer_id)).first()
            if customer is not None:
                initial["customer_code"] = customer.code
        return render(
            request, "collections/payment_new.html", {"form": PaymentForm(initial=initial)}
        )

    def post(self, request):
        form = PaymentForm(request.POST)
        if form.is_valid():
            v = form.cleaned_data
            try:
                payment = payment_receive(
                    actor=Actor.from_request(request),
                    amount=v["amount"],
                    origin=v["origin"],
                    received_on=v["received_on"],
                    idempotency_key=v["idempotency_key"],
                    customer=v["customer"],
                    group=v["group"],
                    reference=v["reference"],
                    note=v["note"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Payment received."))
                return redirect("payment-detail", pk=payment.pk)
        return render(request, "collections/payment_new.html", {"form": form}, status=400)


class PaymentDetailView(FunctionRequiredMixin, View):
    """A payment, what it settled, its ledger entries; POST reverses it."""

    function = "billing.view"
    write_function = "collections.manage"

    def _render(self, request, payment, form, status=200):
        posted = payment.status == PaymentStatus.POSTED
        return render(
            request,
            "collections/payment_detail.html",
            {
                "payment": payment,
                "allocations": list(payment.allocations.all()),
                "credit": payment_credit(payment) if posted else None,
                "entries": [e for e in (payment.entry, payment.reversal_entry) if e],
                "form": form,
                "can_reverse": posted and request.access.can("collections.manage"),
            },
            status=status,
        )

    def get(self, request, pk):
        payment = get_object_or_404(payment_detail_queryset(), pk=pk)
        return self._render(request, payment, ReverseForm())

    def post(self, request, pk):
        payment = get_object_or_404(payment_detail_queryset(), pk=pk)
        form = ReverseForm(request.POST)
        if form.is_valid():
            try:
                payment_reverse(
                    actor=Actor.from_request(request),
                    payment=payment,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Payment reversed."))
                return redirect("payment-detail", pk=payment.pk)
        return self._render(request, payment, form, status=400)


class BankReturnListView(FunctionRequiredMixin, View):
    function = "collections.manage"

    def _render(self, request, form, status=200):
        return render(
            request,
            "collections/bank_return_list.html",
            {"form": form, "page": _page(request, bank_return_list())},
            status=status,
        )

    def get(self, request):
        return self._render(request, BankReturnForm())

    def post(self, request):
        form = BankReturnForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                bank_return_check_size(size=upload.size)
                batch = bank_return_upload(
                    actor=Actor.from_request(request), file_name=upload.name, data=upload.read()
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "File received: its %(records)d records are being imported; this page "
                        "follows the import."
                    )
                    % {"records": batch.records},
                )
                return redirect("bank-return-detail", pk=batch.pk)
        return self._render(request, form, status=400)


class BankReturnDetailView(FunctionRequiredMixin, View):
    """A file: its import's progress (an htmx partial polled while it imports), its counts and
    the outcome of each line."""

    function = "collections.manage"

    def get(self, request, pk):
        batch: BankReturn = get_object_or_404(bank_return_detail_queryset(), pk=pk)
        return render(
            request,
            "collections/bank_return_detail.html",
            {"batch": batch, "lines": list(batch.lines.all()), "finished": batch.finished},
        )


class BankReturnProgressView(FunctionRequiredMixin, View):
    """The progress partial, polled while the file imports; once finished it has the page
    reload (``HX-Refresh``) to show every line."""

    function = "collections.manage"

    def get(self, request, pk):
        batch = get_object_or_404(bank_return_list(), pk=pk)
        finished = batch.finished
        response = render(
            request,
            "collections/_bank_return_progress.html",
            {"batch": batch, "finished": finished},
        )
        if finished and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class CustomerCollectionsPanelView(FunctionRequiredMixin, View):
    """The 360's collections panel (an htmx partial)."""

    function = "customers.view"

    def get(self, request, customer_id):
        customer = get_object_or_404(Customer, pk=customer_id)
        data = customer_collections(customer.pk)
        receive_url = (
            f"{reverse('payment-new')}?customer={customer.pk}"
            if request.access.can("collections.receive")
            else None
        )
        return render(
            request,
            "collections/customer_panel.html",
            {
                "customer": customer,
                "receive_url": receive_url,
                "can_see_payments": request.access.can("billing.view"),
                **data,
            },
        )
