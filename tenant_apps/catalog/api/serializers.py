from decimal import Decimal

from rest_framework import serializers

from ..choices import DeviceKind, ProductRole, System, Technology
from ..models import DeviceModel, Product, ProductDevice
from ..services import MAX_DEVICE_QUANTITY


class DeviceModelOutput(serializers.ModelSerializer):
    class Meta:
        model = DeviceModel
        fields = ["id", "code", "kind", "vendor", "model", "serialised", "is_active"]


class DeviceModelInput(serializers.Serializer):
    """Types and choices are checked here; the service's full_clean checks the rest."""

    code = serializers.CharField(max_length=30)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    vendor = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=60)
    serialised = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class ProductDeviceOutput(serializers.ModelSerializer):
    device_model = serializers.IntegerField(source="device_model_id")
    code = serializers.CharField(source="device_model.code")
    name = serializers.CharField(source="device_model.__str__")

    class Meta:
        model = ProductDevice
        fields = ["device_model", "code", "name", "quantity"]


class ProductOutput(serializers.ModelSerializer):
    devices = ProductDeviceOutput(many=True)
    provisioning = serializers.DictField()

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "system",
            "role",
            "technology",
            "monthly_price",
            "daily_cost",
            "provisioning",
            "devices",
            "is_active",
        ]


class ProductDeviceInput(serializers.Serializer):
    device_model = serializers.PrimaryKeyRelatedField(queryset=DeviceModel.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_DEVICE_QUANTITY, default=1)


class ProductInput(serializers.Serializer):
    """``provisioning`` holds the attributes of the product's system (see
    ``products/provisioning-spec/``); errors name them as ``provisioning.<attribute>``."""

    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=120)
    system = serializers.ChoiceField(choices=System.choices)
    role = serializers.ChoiceField(choices=ProductRole.choices)
    technology = serializers.ChoiceField(choices=Technology.choices)
    monthly_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0")
    )
    daily_cost = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal("0"), required=False
    )
    provisioning = serializers.DictField(required=False)
    devices = serializers.ListField(child=ProductDeviceInput(), required=False, max_length=50)
    is_active = serializers.BooleanField(required=False)


class AttributeSpecOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["integer", "string", "boolean", "codes"])
    required = serializers.BooleanField()
    minimum = serializers.IntegerField(allow_null=True)
    maximum = serializers.IntegerField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField())


class SystemSpecOutput(serializers.Serializer):
    system = serializers.ChoiceField(choices=System.choices)
    label = serializers.CharField()
    attributes = AttributeSpecOutput(many=True)
