"""Billing run pages: the runs (preview the next cycle, start one), a run with its progress
(an htmx partial polled every second while it runs), resume.

Views parse and render; ``services.runs`` decides. Viewing needs ``billing.view``; previewing,
starting and resuming need ``billing.run`` (a write needs a branch, per the function's scope).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors

from .choices import RunStatus
from .models import BillingPreview, BillingRun
from .selectors import previews
from .services.runs import (
    billing_preview_request,
    billing_run_resume,
    billing_run_start,
    exception_rows,
)

FINISHED = (RunStatus.DONE, RunStatus.FAILED)


class CycleForm(forms.Form):
    cycle_start = forms.DateField(
        label=gettext_lazy("Cycle start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the cycle the company's parameters bill today."),
    )


class StartForm(CycleForm):
    issued_on = forms.DateField(
        label=gettext_lazy("Issue date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: today. The due date follows the company's parameters."),
    )


def _payer_links(payers: list[str]) -> list[dict]:
    out = []
    for ref in payers:
        kind, _sep, pk = ref.partition(":")
        url = None
        if kind == "customer":
            try:
                url = reverse("customer-detail", args=[int(pk)])
            except NoReverseMatch:
                url = None
        label = _("Customer #%(id)s") if kind == "customer" else _("Group #%(id)s")
        out.append({"label": label % {"id": pk}, "url": url})
    return out


def exceptions_context(exceptions: list[dict]) -> list[dict]:
    rows = exception_rows(exceptions)
    for row in rows:
        row["payer_links"] = _payer_links(row.get("payers", []))
    return rows


def _invoices_url(run: BillingRun) -> str | None:
    try:
        return reverse("invoices") + f"?run={run.pk}"
    except NoReverseMatch:
        return None


class RunListView(FunctionRequiredMixin, View):
    """The runs, newest cycle first; the preview form and the start form (POST)."""

    function = "billing.view"
    write_function = "billing.run"

    def _render(self, request, form, status=200):
        page = Paginator(BillingRun.objects.all(), 25).get_page(request.GET.get("page"))
        context = {"page": page, "form": form, "preview_form": CycleForm()}
        return render(request, "billing/runs.html", context, status=status)

    def get(self, request):
        return self._render(request, StartForm())

    def post(self, request):
        form = StartForm(request.POST)
        if form.is_valid():
            try:
                run = billing_run_start(
                    actor=Actor.from_request(request),
                    cycle_start=form.cleaned_data["cycle_start"],
                    issued_on=form.cleaned_data["issued_on"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                if run.status == RunStatus.DONE:
                    messages.info(request, _("This cycle was billed already: nothing was billed."))
                else:
                    messages.success(request, _("The billing run started."))
                return redirect("billing-run-detail", pk=run.pk)
        return self._render(request, form, status=400)


class RunPreviewView(FunctionRequiredMixin, View):
    """Ask for the preview of a cycle (POST: computed in the background, then shown on its
    page) and the previews asked for lately."""

    function = "billing.run"

    def _render(self, request, form, status=200):
        context = {"form": form, "previews": previews()[:10]}
        return render(request, "billing/run_preview.html", context, status=status)

    def get(self, request):
        return self._render(request, CycleForm())

    def post(self, request):
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                preview = billing_preview_request(
                    actor=Actor.from_request(request),
                    cycle_start=form.cleaned_data["cycle_start"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return redirect("billing-preview-detail", pk=preview.pk)
        return self._render(request, form, status=400)


class PreviewDetailView(FunctionRequiredMixin, View):
    """A preview: its progress (an htmx partial polled while it computes), then what the run
    would bill and the form that starts it."""

    function = "billing.run"
    template_name = "billing/preview_detail.html"

    def get(self, request, pk: int):
        preview = get_object_or_404(BillingPreview, pk=pk)
        finished = preview.status in FINISHED
        run = BillingRun.objects.filter(cycle_start=preview.cycle_start).first()
        context = {
            "preview": preview,
            "finished": finished,
            "run": run,
            "exceptions": exceptions_context(preview.exceptions) if finished else [],
            "start_form": StartForm(initial={"cycle_start": preview.cycle_start}),
        }
        return render(request, self.template_name, context)


class PreviewProgressView(PreviewDetailView):
    """The htmx partial of a preview (polled while it computes; once finished, the page
    reloads to show the figures)."""

    template_name = "billing/_preview_progress.html"


class RunDetailView(FunctionRequiredMixin, View):
    function = "billing.view"
    template_name = "billing/run_detail.html"

    def get(self, request, pk: int):
        run = get_object_or_404(BillingRun, pk=pk)
        context = {
            "run": run,
            "finished": run.status in FINISHED,
            "exceptions": exceptions_context(run.exceptions),
            "invoices_url": _invoices_url(run),
        }
        return render(request, self.template_name, context)


class RunProgressView(RunDetailView):
    """The htmx partial of a run's progress (polled while it runs)."""

    template_name = "billing/_run_progress.html"


class RunResumeView(FunctionRequiredMixin, View):
    function = "billing.run"

    def post(self, request, pk: int):
        run = get_object_or_404(BillingRun, pk=pk)
        run = billing_run_resume(actor=Actor.from_request(request), run=run)
        messages.success(request, _("The billing run was resumed."))
        return redirect("billing-run-detail", pk=run.pk)
