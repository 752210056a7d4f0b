from django.utils.translation import gettext as _
from rest_framework import serializers

from ..choices import EntryKind
from ..models import Account, Entry

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


class AccountListQuery(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    group = serializers.IntegerField(required=False, min_value=1)


class AccountOutput(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id", read_only=True, allow_null=True)
    group = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)
    holder_name = serializers.SerializerMethodField()
    balance = serializers.DecimalField(
        help_text="The sum of the entries: positive, the holder owes.", **MONEY
    )

    class Meta:
        model = Account
        fields = ["id", "customer", "group", "holder_name", "balance", "created_at"]

    def get_holder_name(self, account) -> str:
        holder = account.customer or account.group
        return holder.name if holder else ""


class EntryListQuery(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (company time zone).")
    end = serializers.DateField(required=False, help_text="Last day, inclusive.")

    def validate(self, data):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise serializers.ValidationError(
                {"end": [_("The end must not come before the start.")]}
            )
        return data


class EntryOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices, read_only=True)
    running_balance = serializers.DecimalField(
        source="running", help_text="The account's balance after this entry.", **MONEY
    )
    invoice = serializers.IntegerField(
        source="invoice_ref",
        read_only=True,
        allow_null=True,
        help_text="The invoice it posts (or the one its credit note cancels).",
    )
    invoice_number = serializers.CharField(read_only=True, allow_null=True)
    payment = serializers.IntegerField(
        source="payment_ref",
        read_only=True,
        allow_null=True,
        help_text="The payment it posts or reverses.",
    )
    credit_note = serializers.IntegerField(
        source="credit_note_ref", read_only=True, allow_null=True
    )
    credit_note_number = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "posted_at",
            "kind",
            "description",
            "amount",
            "running_balance",
            "due_on",
            "reverses",
            "invoice",
            "invoice_number",
            "payment",
            "credit_note",
            "credit_note_number",
            "posted_by",
        ]
        read_only_fields = fields
