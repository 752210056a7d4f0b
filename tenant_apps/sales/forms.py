"""Forms of the sale pages: they parse input; the services decide (conditions, rules)."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.customers.models import Address

from .choices import CancelReason, RequestKind, RequestStatus
from .models import PlanItem, SalesPlan
from .selectors import plans_sellable


class ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PlanItem) -> str:
        return f"{obj.plan.name} — {obj.product.name} ({obj.effective_price})"


class OneItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanItem) -> str:
        return f"{obj.plan.name} — {obj.product.name} ({obj.effective_price})"


def _new_key() -> str:
    return uuid.uuid4().hex


class CustomerLookupForm(forms.Form):
    customer_code = forms.CharField(label=_("customer number"), max_length=20)


class SaleForm(forms.Form):
    """The sale of one plan at one of the customer's addresses; optional products of the
    chosen plan may be added. The hidden key makes a double submission sell once."""

    address = forms.ModelChoiceField(
        label=_("installation address"), queryset=Address.objects.none()
    )
    plan = forms.ModelChoiceField(label=_("plan"), queryset=SalesPlan.objects.none())
    optional_items = ItemChoice(
        label=_("optional products"),
        queryset=PlanItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the optional products of the chosen plan are sold."),
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=80, initial=_new_key, required=False
    )

    def __init__(self, *args, customer, today: dt.date, plan_id=None, reload_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reload_url:
            # Choosing a plan reloads the form (htmx) showing only that plan's optional products.
            self.fields["plan"].widget.attrs.update(
                {
                    "hx-get": reload_url,
                    "hx-trigger": "change",
                    "hx-include": "#sale-customer, #id_address",
                    "hx-select": "#sale-form",
                    "hx-target": "#sale-form",
                    "hx-swap": "outerHTML",
                }
            )
        self.customer = customer
        self.fields["address"].queryset = Address.objects.filter(
            customer=customer, is_active=True
        ).select_related("zone__city")
        plans = plans_sellable(today=today)
        self.fields["plan"].queryset = plans
        items = PlanItem.objects.filter(included=False, plan__in=plans).select_related(
            "plan", "product"
        )
        if plan_id:
            items = items.filter(plan_id=plan_id)
        self.fields["optional_items"].queryset = items.order_by("plan__name", "id")


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=CancelReason.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class RemoveForm(CancelForm):
    reason = forms.ChoiceField(
        label=_("reason"), choices=CancelReason.choices, initial=CancelReason.OTHER
    )


class ActivateForm(forms.Form):
    on = forms.DateField(label=_("activated on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("note"),
        max_length=200,
        help_text=_("Why the product is activated by hand (kept in the audit trail)."),
    )


class PlanChangeForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("new plan"), queryset=SalesPlan.objects.none())
    effective_on = forms.DateField(
        label=_("effective on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The old products end on this day; the new ones start on it."),
    )
    optional_items = ItemChoice(
        label=_("optional products"),
        queryset=PlanItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=80, initial=_new_key, required=False
    )

    def __init__(self, *args, today: dt.date, current_plan_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        plans = plans_sellable(today=today).exclude(pk=current_plan_id)
        self.fields["plan"].queryset = plans
        self.fields["optional_items"].queryset = (
            PlanItem.objects.filter(included=False, plan__in=plans)
            .select_related("plan", "product")
            .order_by("plan__name", "id")
        )


class AdditionalForm(forms.Form):
    item = OneItemChoice(label=_("additional product"), queryset=PlanItem.objects.none())
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=80, initial=_new_key, required=False
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            PlanItem.objects.filter(
                plan__in=plans_sellable(today=today), product__role="additional"
            )
            .select_related("plan", "product")
            .order_by("plan__name", "id")
        )


class ServiceRequestFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("any")), *RequestKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("any")), *RequestStatus.choices], required=False
    )
    customer = forms.IntegerField(label=_("customer id"), required=False, min_value=1)
