from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from shared_apps.access import functions as fn
from shared_apps.org.choices import BranchKind
from tenants.models import slug_validator


class LoginForm(AuthenticationForm):
    """Browser-saveable credentials: autocomplete username / current-password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    slug = forms.CharField(
        label=_("Route (address /c/…/)"), max_length=41, validators=[slug_validator]
    )
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    tax_id = forms.CharField(label=_("Tax id"), max_length=32, required=False)


class OperatorForm(CompanyForm):
    operator_name = forms.CharField(label=_("Operator name"), max_length=120)
    operator_slug = forms.CharField(
        label=_("Operator code"), max_length=41, validators=[slug_validator]
    )
    field_order = ["operator_name", "operator_slug", "name", "slug", "legal_name", "tax_id"]


class BranchForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=BranchKind.choices)
    city = forms.CharField(label=_("City"), max_length=120, required=False)


class PositionForm(forms.Form):
    company = forms.IntegerField(required=False, widget=forms.HiddenInput)
    branch = forms.IntegerField(required=False, widget=forms.HiddenInput)
    operator = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    functions = forms.MultipleChoiceField(
        label=_("Functions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (f.code, f.label) for f in fn.FUNCTIONS.values() if f.scope is not fn.Scope.OPERATOR
        ],
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=None,
        required=False,
        empty_label=_("All companies of the operator"),
    )
    branch = forms.ModelChoiceField(label=_("Branch for writes"), queryset=None, required=False)
    profiles = forms.ModelMultipleChoiceField(
        label=_("Access profiles"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, operator, **kwargs):
        from shared_apps.access.models import AccessProfile
        from shared_apps.org.models import Branch
        from tenants.models import Company

        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(operator=operator)
        self.fields["branch"].queryset = Branch.objects.filter(company__operator=operator)
        self.fields["profiles"].queryset = AccessProfile.objects.filter(
            operator=operator
        ).select_related("company")
        self.fields["profiles"].label_from_instance = lambda p: (
            f"{p.name} — {p.company or _('central view')}"
        )


class MemberForm(forms.Form):
    """A new user with its first membership in one of the operator's companies (or central)."""

    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=None,
        required=False,
        empty_label=_("Central view of the operator"),
    )
    profiles = forms.ModelMultipleChoiceField(
        label=_("Access profiles"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, operator, **kwargs):
        from shared_apps.access.models import AccessProfile
        from shared_apps.org.models import Branch
        from tenants.models import Company

        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(operator=operator)
        self.fields["profiles"].queryset = (
            AccessProfile.objects.filter(operator=operator)
            .select_related("company")
            .order_by("company__name", "name")
        )
        central_view = _("Central view")
        self.fields["profiles"].label_from_instance = lambda p: (
            f"{p.company or central_view} · {p.name}"
        )
        self.fields["branches"].queryset = Branch.objects.filter(
            company__operator=operator, is_active=True
        ).select_related("company")
        self.fields["branches"].label_from_instance = lambda b: (
            f"{b.company} · {b.name} ({b.get_kind_display()})"
        )
