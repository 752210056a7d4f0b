"""Catalog forms. The provisioning attributes of a system become real typed fields."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import DeviceModel, Product
from .provisioning_attributes import attributes_for
from .services import DEVICE_MODEL_FIELDS, MAX_DEVICE_QUANTITY

PROVISIONING_PREFIX = "provisioning"


class DeviceModelForm(forms.ModelForm):
    class Meta:
        model = DeviceModel
        fields = DEVICE_MODEL_FIELDS


class ProductForm(forms.ModelForm):
    """The product's own fields; choosing a system swaps its provisioning fieldset (htmx)."""

    class Meta:
        model = Product
        fields = [
            "code",
            "name",
            "system",
            "role",
            "technology",
            "monthly_price",
            "daily_cost",
            "is_active",
        ]

    def __init__(self, *args, provisioning_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if provisioning_url:
            self.fields["system"].widget.attrs.update(
                {
                    "hx-get": provisioning_url,
                    "hx-target": "#provisioning-fields",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                }
            )


class ProvisioningForm(forms.Form):
    """One field per attribute the system declares: whole numbers with their bounds, codes,
    choices, yes/no, and lists of codes (comma-separated)."""

    def __init__(self, *args, system: str, initial_values: dict | None = None, **kwargs):
        kwargs.setdefault("prefix", PROVISIONING_PREFIX)
        super().__init__(*args, **kwargs)
        self.system = system
        values = initial_values or {}
        for attribute in attributes_for(system):
            name = attribute.name
            initial = values.get(name)
            if attribute.kind is bool:
                field = forms.BooleanField(label=attribute.label, required=False)
            elif attribute.kind is int:
                field = forms.IntegerField(
                    label=attribute.label,
                    required=attribute.required,
                    min_value=attribute.minimum,
                    max_value=attribute.maximum,
                )
            elif attribute.kind is list:
                field = forms.CharField(
                    label=attribute.label,
                    required=attribute.required,
                    max_length=1000,
                    help_text=_("Codes separated by commas."),
                )
                if isinstance(initial, list):
                    initial = ", ".join(initial)
            elif attribute.choices:
                field = forms.ChoiceField(
                    label=attribute.label,
                    required=attribute.required,
                    choices=[("", "---------")] + [(c, c) for c in attribute.choices],
                )
            else:
                field = forms.CharField(
                    label=attribute.label, required=attribute.required, max_length=40
                )
            field.label = capfirst(attribute.label)
            field.initial = initial
            self.fields[name] = field

    def attributes(self) -> dict:
        """The cleaned values, without the empty optional ones (the service types them)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class DevicesForm(forms.Form):
    """How many of each device model the product needs (0 or empty: none)."""

    def __init__(self, *args, device_models, current: dict[int, int] | None = None, **kwargs):
        kwargs.setdefault("prefix", "devices")
        super().__init__(*args, **kwargs)
        current = current or {}
        self.models = {}
        for model in device_models:
            if not model.is_active and model.pk not in current:
                continue
            name = f"model_{model.pk}"
            self.models[name] = model
            self.fields[name] = forms.IntegerField(
                label=f"{model} ({model.code})",
                required=False,
                min_value=0,
                max_value=MAX_DEVICE_QUANTITY,
                initial=current.get(model.pk),
            )

    def lines(self) -> list[dict]:
        return [
            {"device_model": self.models[name], "quantity": quantity}
            for name, quantity in self.cleaned_data.items()
            if quantity
        ]
