"""Collections forms: they parse; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.customers.models import Customer, Group

from .choices import PaymentOrigin, PaymentStatus

DATE = forms.DateInput(attrs={"type": "date"})


class PaymentFilterForm(forms.Form):
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DATE)
    received_until = forms.DateField(label=_("Received until"), required=False, widget=DATE)
    origin = forms.ChoiceField(
        label=_("Origin"), required=False, choices=[("", _("All")), *PaymentOrigin.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PaymentStatus.choices]
    )
    branch = forms.IntegerField(label=_("Branch"), required=False, min_value=1)
    customer = forms.IntegerField(label=_("Customer"), required=False, min_value=1)


class PaymentForm(forms.Form):
    customer_code = forms.CharField(
        label=_("Customer number"),
        required=False,
        max_length=30,
        help_text=_("The customer who pays, or choose a group below."),
    )
    group = forms.ModelChoiceField(
        label=_("Group"), required=False, queryset=Group.objects.order_by("name")
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    origin = forms.ChoiceField(label=_("Origin"), choices=PaymentOrigin.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = f"ui:{uuid.uuid4()}"

    def clean(self):
        data = super().clean()
        code = (data.get("customer_code") or "").strip()
        group = data.get("group")
        data["customer"] = None
        if code and group:
            self.add_error("group", _("Choose the customer or the group, not both."))
        elif code:
            customer = Customer.objects.filter(code__iexact=code).first()
            if customer is None:
                self.add_error("customer_code", _("No customer with this number."))
            data["customer"] = customer
        elif not group:
            self.add_error("customer_code", _("Choose the customer or the group who pays."))
        return data


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BankReturnForm(forms.Form):
    file = forms.FileField(
        label=_("Bank return file"), help_text=_("CSV (documented layout) or CNAB 240.")
    )
