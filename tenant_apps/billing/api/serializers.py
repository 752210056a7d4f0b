"""Billing document API serializers: inputs parse (types, choices, ids of this company), outputs
render. Money is a string with the currency's places ("229.79")."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from tenant_apps.catalog.choices import System
from tenant_apps.customers.models import Customer, Group

from ..choices import (
    ENTERED_CHARGE_KINDS,
    ChargeKind,
    ChargeSource,
    InvoiceKind,
    InvoiceStatus,
    LineKind,
    TaxMode,
)
from ..models import CreditNote, Invoice, InvoiceLine, OneOffCharge, TaxRate


def money(**kw):
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, **kw)


# --- inputs ------------------------------------------------------------------------------------


class InvoiceCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ChargeInput(serializers.Serializer):
    """A one-off charge (positive) or a credit (kind ``credit``; a positive amount is given
    back) for exactly one payer, billed on its next invoice."""

    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=ENTERED_CHARGE_KINDS)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    description = serializers.CharField(max_length=200)
    system = serializers.ChoiceField(
        choices=System.choices, required=False, allow_blank=True, default=""
    )
    source = serializers.ChoiceField(choices=ChargeSource.choices, default=ChargeSource.AGENT)
    source_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text="Sending the same key again returns the charge already added.",
    )

    def validate(self, attrs):
        if (attrs.get("customer") is None) == (attrs.get("group") is None):
            raise serializers.ValidationError({"customer": [_one_payer()], "group": [_one_payer()]})
        return attrs


class ChargesBillInput(serializers.Serializer):
    """The payer whose unbilled charges and credits are billed now."""

    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs):
        if (attrs.get("customer") is None) == (attrs.get("group") is None):
            raise serializers.ValidationError({"customer": [_one_payer()], "group": [_one_payer()]})
        return attrs


def _one_payer() -> str:
    from django.utils.translation import gettext

    return gettext("Give a customer or a group (one of them).")


class TaxRateInput(serializers.Serializer):
    system = serializers.ChoiceField(choices=System.choices)
    name = serializers.CharField(max_length=40)
    rate = serializers.DecimalField(
        max_digits=7, decimal_places=4, min_value=0, max_value=100, coerce_to_string=True
    )
    mode = serializers.ChoiceField(choices=TaxMode.choices)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    is_active = serializers.BooleanField(required=False, default=True)


# --- outputs -----------------------------------------------------------------------------------


class TaxAmountOutput(serializers.Serializer):
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=TaxMode.choices)
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True)
    amount = money()


class EntryRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = money()
    due_on = serializers.DateField(allow_null=True)


class InvoiceListOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=InvoiceKind.choices)
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    customer_name = serializers.SerializerMethodField()
    group_name = serializers.SerializerMethodField()
    subtotal = money()
    added_tax = money()
    included_tax = money()
    total = money()
    open_amount = money()
    credit_note = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "customer",
            "customer_name",
            "group",
            "group_name",
            "run",
            "cycle_start",
            "cycle_end",
            "issued_on",
            "due_on",
            "currency",
            "language",
            "subtotal",
            "added_tax",
            "included_tax",
            "total",
            "open_amount",
            "credit_note",
            "pdf_url",
        ]

    def get_customer_name(self, obj) -> str | None:
        return obj.customer.name if obj.customer_id else None

    def get_group_name(self, obj) -> str | None:
        return obj.group.name if obj.group_id else None

    def get_credit_note(self, obj) -> str | None:
        note = getattr(obj, "credit_note", None)
        return note.number if note is not None else None

    def get_pdf_url(self, obj) -> str:
        return reverse("api-invoice-pdf", args=[obj.pk])


class InvoiceLineOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=LineKind.choices)
    system = serializers.ChoiceField(choices=System.choices, allow_blank=True)
    amount = money()
    added_tax = money()
    included_tax = money()
    taxes = TaxAmountOutput(many=True)

    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "kind",
            "description",
            "customer",
            "subscription",
            "product",
            "plan",
            "promotion",
            "charge",
            "system",
            "period_start",
            "period_end",
            "days",
            "cycle_days",
            "amount",
            "added_tax",
            "included_tax",
            "taxes",
        ]


class InvoiceOutput(InvoiceListOutput):
    lines = InvoiceLineOutput(many=True)
    taxes = TaxAmountOutput(many=True)
    entry = EntryRefOutput(allow_null=True)

    class Meta(InvoiceListOutput.Meta):
        fields = [*InvoiceListOutput.Meta.fields, "taxes", "lines", "entry"]


class CreditNoteOutput(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")
    amount = money()
    entry = EntryRefOutput()

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "invoice",
            "invoice_number",
            "amount",
            "reason",
            "issued_on",
            "issued_by",
            "entry",
        ]


class ChargeOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ChargeKind.choices)
    source = serializers.ChoiceField(choices=ChargeSource.choices)
    system = serializers.ChoiceField(choices=System.choices, allow_blank=True)
    amount = money()
    billed = serializers.SerializerMethodField()

    class Meta:
        model = OneOffCharge
        fields = [
            "id",
            "customer",
            "group",
            "kind",
            "description",
            "amount",
            "system",
            "source",
            "source_ref",
            "subscription",
            "invoice",
            "billed",
            "cancelled",
            "created_at",
            "created_by",
        ]

    def get_billed(self, obj) -> bool:
        return obj.invoice_id is not None


class TaxRateOutput(serializers.ModelSerializer):
    system = serializers.ChoiceField(choices=System.choices)
    mode = serializers.ChoiceField(choices=TaxMode.choices)
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True)

    class Meta:
        model = TaxRate
        fields = ["id", "system", "name", "rate", "mode", "position", "is_active"]
