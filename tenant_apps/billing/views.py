"""Billing document pages: invoices (list, detail, PDF, cancel), one-off charges and credits,
tax rates, and the customer 360's billing panel.

Views parse and render; ``services`` decide. Reading needs ``billing.view``; cancelling
invoices and adding or cancelling charges and credits need ``billing.adjust``; editing tax
rates needs ``company.settings`` (both at a branch of the company, checked by
``FunctionRequiredMixin``). The PDF is served only through ``InvoicePdfView``, after the same
check: stored files are never served directly.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors, form_saved
from tenant_apps.customers.models import Customer, Group
from tenant_apps.parameters.selectors import company_today

from .forms import ChargeForm, InvoiceCancelForm, InvoiceFilterForm, TaxRateForm
from .models import Invoice, OneOffCharge, TaxRate
from .pdf import invoice_pdf_ensure, invoice_pdf_filename, invoice_pdf_render
from .selectors import (
    charge_list,
    customer_billing_panel,
    invoice_allocations,
    invoice_cancellable,
    invoice_detail_queryset,
    invoice_list,
    tax_rate_list,
)
from .services import (
    charge_add,
    charge_cancel,
    charges_bill_now,
    invoice_cancel,
    tax_rate_create,
    tax_rate_deactivate,
    tax_rate_update,
)

VIEW, ADJUST, SETTINGS = "billing.view", "billing.adjust", "company.settings"


def _page(request, queryset, size=50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _customer_url(customer_id: int | None) -> str | None:
    if not customer_id:
        return None
    try:
        return reverse("customer-detail", args=[customer_id])
    except NoReverseMatch:
        return None


def _can(request, code: str) -> bool:
    return request.access.can(code)


# --- invoices --------------------------------------------------------------------------------


class InvoiceListView(FunctionRequiredMixin, View):
    """Invoices; filters: number, customer, group, status, kind, run (?run=), cycle, overdue."""

    function = VIEW

    def get(self, request):
        form = InvoiceFilterForm(request.GET or None)
        valid = not form.is_bound or form.is_valid()
        f = form.cleaned_data if form.is_bound and valid else {}
        rows = invoice_list(
            number=f.get("number") or None,
            customer_id=f.get("customer"),
            group_id=f.get("group"),
            status=f.get("status") or None,
            kind=f.get("kind") or None,
            run_id=f.get("run"),
            cycle_start=f.get("cycle"),
            overdue_on=company_today() if f.get("overdue") else None,
        )
        return render(
            request,
            "billing/invoice_list.html",
            {"form": form, "page": _page(request, rows), "today": company_today()},
            status=200 if valid else 400,
        )


def _invoice(pk: int) -> Invoice:
    return get_object_or_404(invoice_detail_queryset(), pk=pk)


def _detail(request, invoice: Invoice, cancel_form=None, status=200):
    allocations = list(invoice_allocations(invoice))
    can_adjust = _can(request, ADJUST)
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "allocations": allocations,
            "credit_note": getattr(invoice, "credit_note", None),
            "can_adjust": can_adjust,
            "cancellable": invoice_cancellable(invoice),
            "cancel_form": cancel_form or InvoiceCancelForm(),
            "customer_url": _customer_url(invoice.customer_id),
            "group_invoice": bool(invoice.group_id),
        },
        status=status,
    )


class InvoiceDetailView(FunctionRequiredMixin, View):
    function = VIEW

    def get(self, request, pk):
        return _detail(request, _invoice(pk))


class InvoicePdfView(FunctionRequiredMixin, View):
    """The invoice's PDF (rendered and stored on the first request when missing)."""

    function = VIEW

    def get(self, request, pk):
        invoice = _invoice(pk)
        filename = invoice_pdf_filename(invoice)
        try:
            invoice = invoice_pdf_ensure(invoice=invoice)
        except OSError:  # storage unavailable: serve it rendered, stored next time
            response = HttpResponse(
                invoice_pdf_render(invoice=invoice), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'inline; filename="{filename}"'
            return response
        return FileResponse(
            invoice.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=request.GET.get("download") == "1",
            filename=filename,
        )


class InvoiceCancelView(FunctionRequiredMixin, View):
    """POST: cancel the invoice (a credit note); errors shown on the invoice page."""

    function = ADJUST

    def get(self, request, pk):
        return redirect("invoice-detail", pk)

    def post(self, request, pk):
        invoice = _invoice(pk)
        form = InvoiceCancelForm(request.POST)
        if form.is_valid():
            try:
                note = invoice_cancel(
                    actor=Actor.from_request(request),
                    invoice=invoice,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Invoice %(invoice)s cancelled: credit note %(note)s issued.")
                    % {"invoice": invoice.number, "note": note.number},
                )
                return redirect("invoice-detail", invoice.pk)
        return _detail(request, _invoice(pk), cancel_form=form, status=400)


# --- one-off charges and credits -------------------------------------------------------------


def _charges_page(request, form, status=200):
    customer_id = _int(request.GET.get("customer"))
    group_id = _int(request.GET.get("group"))
    rows = charge_list(customer_id=customer_id, group_id=group_id)
    return render(
        request,
        "billing/charge_list.html",
        {
            "form": form,
            "page": _page(request, rows),
            "can_adjust": _can(request, ADJUST),
            "customer_id": customer_id,
            "group_id": group_id,
        },
        status=status,
    )


class ChargeListView(FunctionRequiredMixin, View):
    """Unbilled one-off charges and credits (?customer=, ?group=); POST adds one."""

    function = VIEW
    write_function = ADJUST

    def get(self, request):
        initial = {}
        customer_id = _int(request.GET.get("customer"))
        if customer_id:
            customer = Customer.objects.filter(pk=customer_id).first()
            if customer is not None:
                initial["customer_code"] = customer.code
        group_id = _int(request.GET.get("group"))
        if group_id:
            initial["group"] = group_id
        return _charges_page(request, ChargeForm(initial=initial))

    def post(self, request):
        form = ChargeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                charge = charge_add(
                    actor=Actor.from_request(request),
                    kind=data["kind"],
                    amount=data["amount"],
                    description=data["description"],
                    source=data["source"],
                    source_ref=data["source_ref"],
                    system=data["system"],
                    idempotency_key=f"ui:{data['idempotency_key']}",
                    customer=data.get("customer"),
                    group=data.get("group"),
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Added for the next invoice: %(description)s.")
                    % {"description": charge.description},
                )
                query = (
                    f"?customer={charge.customer_id}"
                    if charge.customer_id
                    else f"?group={charge.group_id}"
                )
                return redirect(reverse("charges") + query)
        return _charges_page(request, form, status=400)


class ChargesBillView(FunctionRequiredMixin, View):
    """POST ``customer`` or ``group``: bill the payer's unbilled charges and credits now, on an
    invoice of their own, instead of waiting for the next billing run."""

    function = ADJUST

    def post(self, request):
        customer_id, group_id = _int(request.POST.get("customer")), _int(request.POST.get("group"))
        if bool(customer_id) == bool(group_id):
            messages.error(request, _("Choose a customer or a group (one of them)."))
            return _charges_page(request, ChargeForm(), status=400)
        customer = get_object_or_404(Customer, pk=customer_id) if customer_id else None
        group = get_object_or_404(Group, pk=group_id) if group_id else None
        back = reverse("charges") + (
            f"?customer={customer_id}" if customer_id else f"?group={group_id}"
        )
        try:
            invoice = charges_bill_now(
                actor=Actor.from_request(request), customer=customer, group=group
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
        return redirect("invoice-detail", invoice.pk)


class ChargeCancelView(FunctionRequiredMixin, View):
    """POST: cancel an unbilled charge or credit."""

    function = ADJUST

    def post(self, request, pk):
        charge = get_object_or_404(OneOffCharge, pk=pk)
        try:
            charge_cancel(actor=Actor.from_request(request), charge=charge)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("charges")
        messages.success(request, _("Charge cancelled: %(d)s.") % {"d": charge.description})
        return redirect("charges")


# --- tax rates -------------------------------------------------------------------------------


class TaxRateListView(FunctionRequiredMixin, View):
    """The company's tax rates per system; POST (``company.settings``) adds one."""

    function = VIEW
    write_function = SETTINGS

    def _render(self, request, form, status=200):
        return render(
            request,
            "billing/tax_rates.html",
            {"rates": tax_rate_list(), "form": form, "can_edit": _can(request, SETTINGS)},
            status=status,
        )

    def get(self, request):
        return self._render(request, TaxRateForm())

    def post(self, request):
        form = TaxRateForm(request.POST)
        actor = Actor.from_request(request)
        if form_saved(form, lambda data: tax_rate_create(actor=actor, data=data)):
            name = form.cleaned_data["name"]
            messages.success(request, _("Tax rate %(name)s added.") % {"name": name})
            return redirect("tax-rates")
        return self._render(request, form, status=400)


class TaxRateEditView(FunctionRequiredMixin, View):
    function = SETTINGS

    def _render(self, request, rate, form, status=200):
        return render(
            request, "billing/tax_rate_form.html", {"rate": rate, "form": form}, status=status
        )

    def get(self, request, pk):
        rate = get_object_or_404(TaxRate, pk=pk)
        fields = ("system", "name", "rate", "mode", "position", "is_active")
        return self._render(
            request, rate, TaxRateForm(initial={f: getattr(rate, f) for f in fields})
        )

    def post(self, request, pk):
        rate = get_object_or_404(TaxRate, pk=pk)
        form = TaxRateForm(request.POST)
        actor = Actor.from_request(request)
        if form_saved(form, lambda data: tax_rate_update(actor=actor, tax_rate=rate, data=data)):
            messages.success(request, _("Tax rate saved."))
            return redirect("tax-rates")
        return self._render(request, rate, form, status=400)


class TaxRateDeactivateView(FunctionRequiredMixin, View):
    function = SETTINGS

    def post(self, request, pk):
        rate = get_object_or_404(TaxRate, pk=pk)
        tax_rate_deactivate(actor=Actor.from_request(request), tax_rate=rate)
        messages.success(
            request, _("Tax rate %(name)s no longer applies to new invoices.") % {"name": rate.name}
        )
        return redirect("tax-rates")


# --- the customer 360 ------------------------------------------------------------------------


class CustomerBillingPanelView(FunctionRequiredMixin, View):
    """The 360 page's billing section, loaded by htmx: latest invoices, unbilled charges."""

    function = VIEW

    def get(self, request, customer_id):
        if not Customer.objects.filter(pk=customer_id).exists():
            raise Http404
        return render(
            request,
            "billing/_customer_billing.html",
            {
                "customer_id": customer_id,
                "can_adjust": _can(request, ADJUST),
                "today": company_today(),
                **customer_billing_panel(customer_id),
            },
        )
