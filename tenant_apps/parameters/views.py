from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors

from .forms import ParametersForm, SeriesForm
from .models import CompanyParameters, DocumentSeries
from .selectors import document_series_list
from .services import parameters_update, series_update


class ParametersView(FunctionRequiredMixin, View):
    """Company parameters. Reading needs the function; saving also needs a branch position."""

    function = "company.settings"

    def _render(self, request, form, status=200, series_forms=None):
        series_forms = series_forms or {}
        rows = [
            (s, series_forms.get(s.kind) or SeriesForm(instance=s, prefix=s.kind))
            for s in document_series_list()
        ]
        return render(
            request, "parameters/form.html", {"form": form, "series_rows": rows}, status=status
        )

    def get(self, request):
        row = CompanyParameters.objects.first()
        return self._render(request, ParametersForm(instance=row))

    def post(self, request):
        form = ParametersForm(request.POST, instance=CompanyParameters.objects.first())
        if form.is_valid():
            try:
                parameters_update(actor=Actor.from_request(request), data=form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Parameters saved."))
                return redirect("parameters")
        return self._render(request, form, status=400)


class SeriesView(FunctionRequiredMixin, View):
    """Edit one numbering series (prefix, next number, digits); numbers never go back."""

    function = "company.settings"

    def post(self, request, kind):
        series = get_object_or_404(DocumentSeries, kind=kind)
        form = SeriesForm(
            request.POST, instance=DocumentSeries.objects.get(pk=series.pk), prefix=kind
        )
        if form.is_valid():
            try:
                series_update(
                    actor=Actor.from_request(request), series=series, data=form.cleaned_data
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Numbering series saved."))
                return redirect("parameters")
        return ParametersView()._render(
            request,
            ParametersForm(instance=CompanyParameters.objects.first()),
            status=400,
            series_forms={kind: form},
        )
