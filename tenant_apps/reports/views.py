"""Report pages: an index, billing by cycle and system, collections by period, origin and
system, receivables ageing, and the customer's statement on the 360 page (an htmx fragment).

Every page needs ``billing.view``; ``?format=csv`` on a report's URL answers the same figures
as CSV (``exports``). A filter that does not validate renders the page with the field's
message and status 400 (a CSV request gets a plain 400).
"""

from __future__ import annotations

import zoneinfo

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from tenant_apps.customers.models import Customer
from tenant_apps.ledger.statement import account_statement, customer_account_id
from tenant_apps.parameters.selectors import company_parameters, company_today

from . import exports
from .forms import AgeingFilterForm, BillingFilterForm, CollectionsFilterForm, StatementFilterForm
from .selectors import ageing_report, billing_report, collections_report

READ = "billing.view"
STATEMENT_PAGE = 25


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def _query(request, **extra) -> str:
    """The page's query string without ``page`` (plus ``extra``)."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in extra.items():
        query[key] = value
    return query.urlencode()


def _csv_query(request) -> str:
    return _query(request, format="csv")


def _invalid(request, template, context):
    if _wants_csv(request):
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in context["form"].errors.items()
        )
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return render(request, template, context, status=400)


def _url(name: str, pk) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page another app has not routed (yet)
        return None


def _entry_link(entry) -> str | None:
    """The page of the document an entry belongs to: its invoice (a credit note's too) or
    its payment."""
    if entry.invoice_ref:
        return _url("invoice-detail", entry.invoice_ref)
    if entry.payment_ref:
        return _url("payment-detail", entry.payment_ref)
    return None


class ReportIndexView(FunctionRequiredMixin, View):
    function = READ

    def get(self, request):
        return render(request, "reports/index.html")


class BillingReportView(FunctionRequiredMixin, View):
    function = READ
    template = "reports/billing.html"

    def get(self, request):
        form = BillingFilterForm(request.GET)
        if not form.is_valid():
            return _invalid(request, self.template, {"form": form})
        report = billing_report(
            cycle_from=form.cleaned_data["cycle_from"], cycle_to=form.cleaned_data["cycle_to"]
        )
        if _wants_csv(request):
            return exports.billing_csv(report)
        return render(
            request,
            self.template,
            {"form": form, "report": report, "csv_query": _csv_query(request)},
        )


class CollectionsReportView(FunctionRequiredMixin, View):
    function = READ
    template = "reports/collections.html"

    def get(self, request):
        form = CollectionsFilterForm(request.GET, today=company_today())
        if not form.is_valid():
            return _invalid(request, self.template, {"form": form})
        data = form.cleaned_data
        report = collections_report(start=data["start"], end=data["end"], group_by=data["group_by"])
        if _wants_csv(request):
            return exports.collections_csv(report)
        return render(
            request,
            self.template,
            {"form": form, "report": report, "csv_query": _csv_query(request)},
        )


class AgeingReportView(FunctionRequiredMixin, View):
    function = READ
    template = "reports/ageing.html"

    def get(self, request):
        form = AgeingFilterForm(request.GET)
        if not form.is_valid():
            return _invalid(request, self.template, {"form": form})
        as_of = form.cleaned_data["as_of"] or company_today()
        if _wants_csv(request):
            return exports.ageing_csv(ageing_report(as_of=as_of, top=None))
        report = ageing_report(as_of=as_of, top=form.cleaned_data["top"] or 20)
        return render(
            request,
            self.template,
            {"form": form, "report": report, "csv_query": _csv_query(request)},
        )


class CustomerStatementView(FunctionRequiredMixin, View):
    """The customer's current account: entries of a period with their running balance, paged
    (htmx swaps the fragment into the 360 page; without htmx, a page of its own)."""

    function = READ

    def get(self, request, customer_id):
        customer = get_object_or_404(Customer.objects.only("id", "name", "code"), pk=customer_id)
        form = StatementFilterForm(request.GET)
        context = {"customer": customer, "form": form}
        htmx = getattr(request, "htmx", None)
        template = (
            "reports/_statement.html"
            if htmx and not htmx.history_restore_request
            else "reports/statement_page.html"
        )
        if not form.is_valid():
            return _invalid(request, template, context)
        account_id = customer_account_id(customer.pk)
        statement = (
            account_statement(
                account_id=account_id,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
            if account_id
            else None
        )
        zone = zoneinfo.ZoneInfo(company_parameters().time_zone)
        if _wants_csv(request):
            return exports.statement_csv(
                statement, zone=zone, filename=f"statement-{customer.code}.csv"
            )
        page = (
            Paginator(statement.entries, STATEMENT_PAGE).get_page(request.GET.get("page"))
            if statement
            else None
        )
        for entry in page or ():
            entry.document = exports.entry_document(entry)
            entry.link = _entry_link(entry)
            entry.debit = entry.amount if entry.amount > 0 else None
            entry.credit = -entry.amount if entry.amount < 0 else None
        context.update(
            {
                "statement": statement,
                "page": page,
                "zone": zone,
                "query": _query(request),
                "csv_query": _csv_query(request),
            }
        )
        return render(request, template, context)
