"""Public pages: login, positioning, central view, operator and platform administration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.access import selectors as access_selectors
from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY
from shared_apps.access.services import position_auto, position_options, position_set
from shared_apps.audit.actor import Actor
from tenants import services as tenant_services
from tenants.models import Company, Operator

from .forms import BranchForm, CompanyForm, LoginForm, OperatorForm
from .utils import add_form_errors


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        position_auto(session=self.request.session, user=form.get_user())
        return response


@login_required
def home(request):
    """Where a logged-in user lands: its position's company, or the position picker."""
    company_id = request.session.get(SESSION_COMPANY)
    if company_id:
        company = Company.objects.filter(pk=company_id, is_active=True).first()
        if company and any(
            o["company"] and o["company"].pk == company.pk for o in position_options(request.user)
        ):
            return redirect(company.get_absolute_url())
    options = position_options(request.user)
    return render(request, "web/home.html", {"options": options})


@login_required
def position(request):
    options = position_options(request.user)
    if request.method == "POST":
        try:
            company_id = _int(request.POST.get("company"))
            branch_id = _int(request.POST.get("branch"))
            operator_id = _int(request.POST.get("operator"))
            position_set(
                session=request.session,
                user=request.user,
                company_id=company_id,
                branch_id=branch_id,
                operator_id=operator_id,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return render(request, "web/position.html", {"options": options}, status=400)
        if company_id is None:
            return redirect("central")
        company = Company.objects.get(pk=company_id)
        nxt = request.POST.get("next")
        if nxt and nxt.startswith(company.get_absolute_url()):
            return redirect(nxt)
        return redirect(company.get_absolute_url())
    return render(
        request,
        "web/position.html",
        {
            "options": options,
            "current_company": request.session.get(SESSION_COMPANY),
            "current_branch": request.session.get(SESSION_BRANCH),
            "next": request.GET.get("next", ""),
        },
    )


def _int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Invalid choice.")) from exc


@login_required
def central(request):
    """The central view: every company of the operators the user has a central view of."""
    operator_ids = [
        op for op, codes in request.access.operator_functions.items() if "reports.central" in codes
    ]
    if not operator_ids:
        raise PermissionDenied(_("You have no central view. Ask your operator's administrator."))
    operators = access_selectors.central_overview(operator_ids=operator_ids)
    return render(request, "web/central.html", {"operators": operators})


def _managed_operator(request, operator_id: int) -> Operator:
    request.access.check("operator.manage", operator=operator_id)
    return get_object_or_404(Operator, pk=operator_id, is_active=True)


@login_required
def operator_companies(request, operator_id: int | None = None):
    """Companies and branches of an operator (operator administrators)."""
    managed = [
        op for op, codes in request.access.operator_functions.items() if "operator.manage" in codes
    ]
    if operator_id is None:
        if not managed:
            raise PermissionDenied(
                _("Your access profiles do not include “%(function)s”.")
                % {"function": _("Manage companies, branches, users and API keys")}
            )
        return redirect("operator-companies-detail", operator_id=managed[0])
    operator = _managed_operator(request, operator_id)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = tenant_services.company_create(
                actor=Actor.from_request(request),
                operator=operator,
                data=tenant_services.CompanyInput(**form.cleaned_data),
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request, _("Company %(name)s is being created.") % {"name": company.name}
            )
            return redirect("company-status", company_id=company.pk)
    return render(
        request,
        "web/operator_companies.html",
        {
            "operator": operator,
            "form": form,
            "companies": Company.objects.filter(operator=operator).prefetch_related("branches"),
            "managed": Operator.objects.filter(pk__in=managed),
        },
        status=400 if form.errors else 200,
    )


@login_required
def company_status(request, company_id: int):
    """Creation progress of a company; htmx polls the fragment until it is ready."""
    company = get_object_or_404(Company, pk=company_id)
    if not request.user.is_superuser:
        request.access.check("operator.manage", operator=company.operator_id)
    template = "web/_company_status.html" if request.htmx else "web/company_status.html"
    return render(request, template, {"company": company})


@login_required
def branch_create(request, company_id: int):
    company = get_object_or_404(Company, pk=company_id)
    request.access.check("operator.manage", operator=company.operator_id)
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant_services.branch_create(
                actor=Actor.from_request(request), company=company, **form.cleaned_data
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Branch created."))
            return redirect("operator-companies-detail", operator_id=company.operator_id)
    return render(
        request,
        "web/branch_form.html",
        {"company": company, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def platform_operators(request):
    """Platform administrators create operators with their first company."""
    if not request.user.is_superuser:
        raise Http404
    form = OperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _operator, company = tenant_services.operator_create(
                actor=Actor.from_request(request),
                name=data["operator_name"],
                slug=data["operator_slug"],
                first_company=tenant_services.CompanyInput(
                    name=data["name"],
                    slug=data["slug"],
                    legal_name=data["legal_name"],
                    tax_id=data["tax_id"],
                ),
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("company-status", company_id=company.pk)
    return render(
        request,
        "web/platform_operators.html",
        {
            "form": form,
            "operators": Operator.objects.prefetch_related("companies"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def logout(request):
    from django.contrib.auth import logout as auth_logout

    auth_logout(request)
    return redirect("login")


@login_required
def api_keys(request):
    """Partner API keys of the operator the user administers; a new key's secret shows once."""
    from shared_apps.access.services import api_key_create, api_key_revoke

    from .forms import ApiKeyForm

    managed = [
        op for op, codes in request.access.operator_functions.items() if "operator.manage" in codes
    ]
    if not managed:
        raise PermissionDenied(
            _("Your access profiles do not include “%(function)s”.")
            % {"function": _("Manage companies, branches, users and API keys")}
        )
    operator = get_object_or_404(Operator, pk=_int(request.GET.get("operator")) or managed[0])
    request.access.check("operator.manage", operator=operator.pk)
    form = ApiKeyForm(request.POST or None, operator=operator)
    secret = None
    if request.method == "POST" and "revoke" in request.POST:
        key = get_object_or_404(
            access_selectors.operator_api_keys(operator_ids=[operator.pk]),
            pk=_int(request.POST["revoke"]),
        )
        api_key_revoke(actor=Actor.from_request(request), key=key)
        messages.success(request, _("Key revoked."))
        return redirect(f"{request.path}?operator={operator.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            _key, secret = api_key_create(
                actor=Actor.from_request(request), operator=operator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            form = ApiKeyForm(operator=operator)
    return render(
        request,
        "web/api_keys.html",
        {
            "operator": operator,
            "form": form,
            "secret": secret,
            "keys": access_selectors.operator_api_keys(operator_ids=[operator.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
def operator_members(request, operator_id: int):
    """Users of an operator: who may use which company, with which profiles and branches."""
    from shared_apps.access.models import Membership
    from shared_apps.access.services import member_add, membership_revoke

    from .forms import MemberForm

    operator = _managed_operator(request, operator_id)
    if request.method == "POST" and "revoke" in request.POST:
        membership = get_object_or_404(
            Membership, pk=_int(request.POST["revoke"]), operator=operator
        )
        membership_revoke(actor=Actor.from_request(request), membership=membership)
        messages.success(request, _("Access removed."))
        return redirect("operator-members", operator_id=operator.pk)
    form = MemberForm(request.POST or None, operator=operator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_add(
                actor=Actor.from_request(request),
                operator_id=operator.pk,
                company_id=data["company"].pk if data["company"] else None,
                profile_ids=[p.pk for p in data["profiles"]],
                branch_ids=[b.pk for b in data["branches"]],
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s added.") % {"name": data["username"]})
            return redirect("operator-members", operator_id=operator.pk)
    return render(
        request,
        "web/operator_members.html",
        {
            "operator": operator,
            "form": form,
            "memberships": access_selectors.operator_memberships(operator_id=operator.pk),
        },
        status=400 if form.errors else 200,
    )


@login_required
def operator_members_home(request):
    managed = [
        op for op, codes in request.access.operator_functions.items() if "operator.manage" in codes
    ]
    if not managed:
        raise PermissionDenied(
            _("Your access profiles do not include “%(function)s”.")
            % {"function": _("Manage companies, branches, users and API keys")}
        )
    return redirect("operator-members", operator_id=managed[0])
