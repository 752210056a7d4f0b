from rest_framework import serializers

from ..choices import CommandAction, CommandStatus
from ..models import Command


class CommandListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=CommandStatus.choices, required=False)
    action = serializers.ChoiceField(choices=CommandAction.choices, required=False)
    customer = serializers.IntegerField(required=False, min_value=1)


class CommandOutput(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="subscription.customer_id", read_only=True)
    product = serializers.CharField(source="subscription.product.name", read_only=True)

    class Meta:
        model = Command
        fields = [
            "id",
            "subscription",
            "customer",
            "product",
            "action",
            "reason",
            "system",
            "status",
            "note",
            "created_at",
            "created_by",
            "attempts",
            "last_error",
            "done_at",
        ]
