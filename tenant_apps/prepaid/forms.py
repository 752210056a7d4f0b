"""Prepaid forms: they parse; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.collections.choices import PaymentOrigin
from tenant_apps.customers.models import Customer


class WalletFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=100,
        help_text=_("Number, start of the name or of the tax id."),
    )
    active = forms.ChoiceField(
        label=_("Services"),
        required=False,
        choices=[("", _("All")), ("on", _("On")), ("off", _("Off"))],
    )


class RechargeForm(forms.Form):
    customer_code = forms.CharField(label=_("Customer number"), max_length=30)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    origin = forms.ChoiceField(label=_("Origin"), choices=PaymentOrigin.choices)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=60)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = f"ui:{uuid.uuid4()}"

    def clean(self):
        data = super().clean()
        code = (data.get("customer_code") or "").strip()
        data["customer"] = None
        if code:
            data["customer"] = Customer.objects.filter(code__iexact=code).first()
            if data["customer"] is None:
                self.add_error("customer_code", _("No customer with this number."))
        return data
