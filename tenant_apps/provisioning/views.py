"""Provisioning commands page: the outbox of suspend / resume / ... commands per service, with
filters (status, action, customer). Reading needs ``customers.view``."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin

from .choices import CommandAction, CommandStatus
from .selectors import commands_for


class CommandFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CommandStatus.choices]
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *CommandAction.choices]
    )
    customer = forms.IntegerField(label=_("Customer"), required=False, min_value=1)


class CommandListView(FunctionRequiredMixin, View):
    function = "customers.view"

    def get(self, request):
        form = CommandFilterForm(request.GET or None)
        v = form.cleaned_data if form.is_valid() else {}
        rows = commands_for(
            customer_id=v.get("customer"), status=v.get("status", ""), action=v.get("action", "")
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        return render(request, "provisioning/command_list.html", {"form": form, "page": page})
