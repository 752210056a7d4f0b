"""Company pages (under /c/<route>/): home, access profiles, audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access import functions as fn
from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.access.models import AccessProfile
from shared_apps.access.selectors import company_profiles
from shared_apps.access.services import profile_save
from shared_apps.audit.actor import Actor
from shared_apps.audit.selectors import audit_events

from .forms import ProfileForm
from .utils import add_form_errors


class CompanyHomeView(FunctionRequiredMixin, View):
    def get(self, request):
        access = request.access
        grouped: dict[str, list] = {}
        for code in sorted(access.company_functions):
            f = fn.get(code)
            grouped.setdefault(str(f.area), []).append(f)
        return render(request, "web/company_home.html", {"grouped_functions": grouped})


class ProfilesView(FunctionRequiredMixin, View):
    function = "profiles.manage"

    def get(self, request):
        return render(
            request,
            "web/profiles.html",
            {
                "profiles": company_profiles(company=request.company),
                "functions": fn.FUNCTIONS,
            },
        )


class ProfileEditView(FunctionRequiredMixin, View):
    function = "profiles.manage"

    def _profile(self, request, pk):
        if pk is None:
            return None
        return get_object_or_404(AccessProfile, pk=pk, company=request.company)

    def get(self, request, pk=None):
        profile = self._profile(request, pk)
        initial = {"name": profile.name, "functions": profile.functions} if profile else {}
        return render(
            request,
            "web/profile_form.html",
            {"form": ProfileForm(initial=initial), "profile": profile},
        )

    def post(self, request, pk=None):
        request.access.check("profiles.manage")
        profile = self._profile(request, pk)
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_save(
                    actor=Actor.from_request(request),
                    operator=request.company.operator,
                    company=request.company,
                    name=form.cleaned_data["name"],
                    functions=form.cleaned_data["functions"],
                    profile=profile,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("profiles")
        return render(
            request, "web/profile_form.html", {"form": form, "profile": profile}, status=400
        )


class AuditView(FunctionRequiredMixin, View):
    function = "audit.view"

    def get(self, request):
        page = Paginator(audit_events(action=request.GET.get("action") or None), 50).get_page(
            request.GET.get("page")
        )
        return render(request, "web/audit.html", {"page": page})
