"""Sale API serializers: inputs parse (types, choices, ids of this company), outputs render."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.customers.models import Address, Customer

from ..choices import CancelReason
from ..models import PlanItem, Sale, SalesPlan, ServiceRequest, Subscription, SubscriptionPromotion

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- inputs --------------------------------------------------------------------------------------


class SaleInput(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    address = serializers.PrimaryKeyRelatedField(queryset=Address.objects.all())
    plan = serializers.PrimaryKeyRelatedField(queryset=SalesPlan.objects.all())
    optional_items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_null=True, allow_blank=True
    )


class SaleCheckInput(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    address = serializers.PrimaryKeyRelatedField(queryset=Address.objects.all())
    plan = serializers.PrimaryKeyRelatedField(queryset=SalesPlan.objects.all())
    optional_items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )


class ActivateInput(serializers.Serializer):
    on = serializers.DateField()
    note = serializers.CharField(max_length=200)


class CancelInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RemoveInput(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=CancelReason.choices, required=False, default=CancelReason.OTHER
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ChangePlanInput(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=SalesPlan.objects.all())
    effective_on = serializers.DateField()
    optional_items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_null=True, allow_blank=True
    )


class AdditionalInput(serializers.Serializer):
    address = serializers.PrimaryKeyRelatedField(queryset=Address.objects.all())
    item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("product", "plan"),
        help_text="The plan item (an additional product of a plan).",
    )
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_null=True, allow_blank=True
    )


class CustomerCancelInput(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    reason = serializers.ChoiceField(choices=CancelReason.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- outputs -------------------------------------------------------------------------------------


class FailureOutput(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class SaleCheckOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    failures = FailureOutput(many=True)


class PromotionOutput(serializers.ModelSerializer):
    class Meta:
        model = SubscriptionPromotion
        fields = ["id", "name", "discount_kind", "value", "months", "starts_on", "ends_on"]


class SubscriptionOutput(serializers.ModelSerializer):
    sale_number = serializers.CharField(source="sale.number", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    system = serializers.CharField(source="product.system", read_only=True)
    role = serializers.CharField(source="product.role", read_only=True)
    promotions = PromotionOutput(many=True, read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "customer",
            "address",
            "sale",
            "sale_number",
            "plan",
            "plan_name",
            "plan_item",
            "product",
            "product_name",
            "system",
            "role",
            "main",
            "status",
            "prepaid",
            "price",
            "daily_cost",
            "billed_to_group",
            "activated_on",
            "ends_on",
            "cancel_reason",
            "cancel_note",
            "replaced_by",
            "created_at",
            "promotions",
        ]


class ServiceRequestOutput(serializers.ModelSerializer):
    subscriptions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "kind",
            "status",
            "customer",
            "address",
            "sale",
            "subscriptions",
            "note",
            "created_at",
            "created_by",
        ]


class SaleListOutput(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)

    class Meta:
        model = Sale
        fields = [
            "id",
            "number",
            "kind",
            "customer",
            "address",
            "plan",
            "plan_name",
            "at",
            "seller_label",
            "branch_id",
            "installation_fee",
        ]


class SaleOutput(SaleListOutput):
    subscriptions = SubscriptionOutput(many=True, read_only=True)
    requests = ServiceRequestOutput(many=True, read_only=True)

    class Meta(SaleListOutput.Meta):
        fields = [*SaleListOutput.Meta.fields, "idempotency_key", "subscriptions", "requests"]


class CancelOutput(serializers.Serializer):
    cancelled = SubscriptionOutput(many=True)
