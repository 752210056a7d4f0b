"""Collections API serializers: inputs parse (types, choices, ids of this company), outputs
render."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.billing.models import Invoice
from tenant_apps.customers.models import Customer, Group

from ..choices import PaymentOrigin, PaymentStatus
from ..models import Allocation, BankReturn, BankReturnLine, DunningEvent, Payment
from ..selectors import payment_credit

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- inputs ------------------------------------------------------------------------------


class PaymentInput(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    invoice = serializers.PrimaryKeyRelatedField(
        queryset=Invoice.objects.all(), required=False, allow_null=True
    )
    amount = serializers.DecimalField(**MONEY)
    origin = serializers.ChoiceField(choices=PaymentOrigin.choices)
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(max_length=120)


class PaymentListQuery(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    group = serializers.IntegerField(required=False, min_value=1)
    origin = serializers.ChoiceField(choices=PaymentOrigin.choices, required=False)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)
    branch = serializers.IntegerField(required=False, min_value=1)
    received_from = serializers.DateField(required=False)
    received_until = serializers.DateField(required=False)


class ReverseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class BankReturnInput(serializers.Serializer):
    file = serializers.FileField()


class DunningQuery(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)


# --- outputs -----------------------------------------------------------------------------


class AllocationOutput(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "invoice", "invoice_number", "amount", "reversal", "created_at"]


class PaymentOutput(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "customer",
            "group",
            "account",
            "amount",
            "origin",
            "status",
            "branch_id",
            "branch_label",
            "received_on",
            "reference",
            "note",
            "received_by",
            "bank_return",
            "entry",
            "reversal_entry",
            "reversal_reason",
            "reversed_at",
            "reversed_by",
            "created_at",
        ]


class PaymentDetailOutput(PaymentOutput):
    allocations = AllocationOutput(many=True, read_only=True)
    credit = serializers.SerializerMethodField()

    class Meta(PaymentOutput.Meta):
        fields = [*PaymentOutput.Meta.fields, "allocations", "credit"]

    def get_credit(self, payment) -> str:
        """What of the payment no invoice took (0 once reversed)."""
        return str(payment_credit(payment))


class BankReturnLineOutput(serializers.ModelSerializer):
    class Meta:
        model = BankReturnLine
        fields = [
            "line_no",
            "outcome",
            "invoice_number",
            "reference",
            "amount",
            "paid_on",
            "payment",
            "message",
        ]


class BankReturnOutput(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="Percent of records imported.")

    class Meta:
        model = BankReturn
        fields = [
            "id",
            "file_name",
            "layout",
            "status",
            "progress",
            "records_done",
            "error",
            "uploaded_by",
            "created_at",
            "finished_at",
            "records",
            "matched",
            "already",
            "unmatched",
            "errors",
            "total",
        ]


class BankReturnDetailOutput(BankReturnOutput):
    lines = BankReturnLineOutput(many=True, read_only=True)

    class Meta(BankReturnOutput.Meta):
        fields = [*BankReturnOutput.Meta.fields, "lines"]


class DunningEventOutput(serializers.ModelSerializer):
    class Meta:
        model = DunningEvent
        fields = [
            "id",
            "customer",
            "kind",
            "on",
            "at",
            "overdue",
            "oldest_due_on",
            "days_overdue",
            "invoices",
            "reason",
            "payment",
        ]
