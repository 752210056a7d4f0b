"""Prepaid API serializers: inputs parse (types, choices, ids of this company), outputs render."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.collections.choices import PaymentOrigin
from tenant_apps.customers.models import Customer

from ..models import Wallet, WalletEntry

MONEY = {"max_digits": 14, "decimal_places": 2}


class WalletQuery(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class RechargeInput(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    amount = serializers.DecimalField(**MONEY)
    origin = serializers.ChoiceField(choices=PaymentOrigin.choices)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(
        max_length=100,
        required=False,
        help_text="Or the Idempotency-Key header; the same key returns the first recharge.",
    )


class WalletOutput(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    customer_name = serializers.CharField(source="customer.name")

    class Meta:
        model = Wallet
        fields = [
            "id",
            "customer",
            "customer_code",
            "customer_name",
            "balance",
            "active",
            "last_charged_on",
            "updated_at",
        ]


class WalletEntryOutput(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", default=None)
    running_balance = serializers.DecimalField(source="running", read_only=True, **MONEY)

    class Meta:
        model = WalletEntry
        fields = [
            "id",
            "kind",
            "amount",
            "running_balance",
            "day",
            "description",
            "invoice",
            "invoice_number",
            "payment",
            "posted_at",
            "posted_by",
        ]


class WalletDetailOutput(WalletOutput):
    daily_value = serializers.DecimalField(read_only=True, **MONEY)
    days_left = serializers.IntegerField(read_only=True, allow_null=True)
    minimum_recharge = serializers.DecimalField(read_only=True, **MONEY)
    entries = WalletEntryOutput(source="entries_list", many=True, read_only=True)

    class Meta(WalletOutput.Meta):
        fields = [*WalletOutput.Meta.fields, "daily_value", "days_left", "minimum_recharge",
                  "entries"]  # fmt: skip


class RechargeOutput(serializers.Serializer):
    wallet = serializers.IntegerField()
    customer = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    invoice = serializers.IntegerField()
    invoice_number = serializers.CharField()
    payment = serializers.IntegerField()
    balance = serializers.DecimalField(**MONEY)
    active = serializers.BooleanField()
    reactivated = serializers.BooleanField()
    charged = serializers.DecimalField(
        help_text="The day charged at once on reactivation.", **MONEY
    )
    replayed = serializers.BooleanField()
