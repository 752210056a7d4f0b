"""Billing forms: they parse (types, choices, this company's rows); the services decide."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalog.choices import System
from tenant_apps.customers.models import Customer, Group

from .choices import ENTERED_CHARGE_KINDS, ChargeSource, InvoiceKind, InvoiceStatus
from .models import TaxRate


def _blank(choices) -> list:
    return [("", _("All")), *choices]


class InvoiceFilterForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30, required=False)
    customer = forms.CharField(
        label=_("Customer"),
        max_length=20,
        required=False,
        help_text=_("Customer number (or id)."),
    )
    group = forms.IntegerField(label=_("Group id"), min_value=1, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_blank([c for c in InvoiceStatus.choices if c[0] != InvoiceStatus.DRAFT]),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(InvoiceKind.choices))
    run = forms.IntegerField(label=_("Billing run"), min_value=1, required=False)
    cycle = forms.DateField(label=_("Cycle start"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def clean_customer(self) -> int | None:
        """The customer's id, from its number (or its id)."""
        value = (self.cleaned_data.get("customer") or "").strip()
        if not value:
            return None
        found = Customer.objects.filter(code__iexact=value).values_list("pk", flat=True).first()
        if found is None and value.isdigit():
            found = Customer.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
        if found is None:
            raise forms.ValidationError(_("No customer with this number."))
        return found


class InvoiceCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("A credit note of the invoice's total is issued to the payer's account."),
    )


class ChargeForm(forms.Form):
    """A one-off charge (installation, device sale, penalty...) or a credit for a customer
    (by customer number) or a group, billed on the payer's next invoice."""

    customer_code = forms.CharField(label=_("Customer number"), max_length=20, required=False)
    group = forms.ModelChoiceField(
        label=_("or group"), queryset=Group.objects.order_by("name"), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ENTERED_CHARGE_KINDS)
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        help_text=_("Enter a positive value; a credit is given back on the invoice."),
    )
    description = forms.CharField(label=_("Description"), max_length=200)
    system = forms.ChoiceField(
        label=_("System"),
        required=False,
        choices=[("", _("None (not taxed)")), *System.choices],
        help_text=_("The system's tax rates apply to the charge."),
    )
    source = forms.ChoiceField(
        label=_("Origin"),
        choices=[c for c in ChargeSource.choices if c[0] != ChargeSource.COLLECTIONS],
        initial=ChargeSource.AGENT,
    )
    source_ref = forms.CharField(
        label=_("Origin reference"),
        max_length=60,
        required=False,
        help_text=_("The sale, service order or agent this comes from."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean(self):
        data = super().clean()
        code = (data.get("customer_code") or "").strip()
        group = data.get("group")
        if bool(code) == bool(group):
            if "customer_code" not in self.errors:
                self.add_error(
                    "customer_code", _("Give a customer number or choose a group (one of them).")
                )
            return data
        if code:
            customer = Customer.objects.filter(code__iexact=code).first()
            if customer is None:
                self.add_error("customer_code", _("No customer with this number."))
            data["customer"] = customer
        return data


class TaxRateForm(forms.Form):
    system = TaxRate._meta.get_field("system").formfield()
    name = TaxRate._meta.get_field("name").formfield()
    rate = TaxRate._meta.get_field("rate").formfield(localize=True)
    mode = TaxRate._meta.get_field("mode").formfield()
    position = TaxRate._meta.get_field("position").formfield()
    is_active = TaxRate._meta.get_field("is_active").formfield(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "is_active" not in self.initial:
            self.initial["is_active"] = True
