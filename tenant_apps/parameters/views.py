from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors

from .forms import ParametersForm
from .models import CompanyParameters
from .selectors import document_series_list
from .services import parameters_update


class ParametersView(FunctionRequiredMixin, View):
    """Company parameters. Reading needs the function; saving also needs a branch position."""

    function = "company.settings"

    def _render(self, request, form, status=200):
        return render(
            request,
            "parameters/form.html",
            {"form": form, "series": document_series_list()},
            status=status,
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
