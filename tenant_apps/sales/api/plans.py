"""Sales plans API (S1, S2, S3): plans, their products, devices and promotions, group plans.

Reading needs ``customers.view`` (sellers read plans); writing needs ``catalog.manage`` and a
position in a branch of the company. Serializers parse and render; services decide.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor
from tenant_apps.catalog.models import DeviceModel, Product
from tenant_apps.customers.choices import CustomerType
from tenant_apps.customers.models import Group
from tenant_apps.locations.models import City, Zone

from ..choices import DiscountKind, PlanKind
from ..models import GroupPlan, PlanDevice, PlanItem, PlanPromotion, SalesPlan
from ..plans_selectors import (
    group_plan_list,
    plan_detail_queryset,
    plan_devices,
    plan_items,
    plan_list,
    plan_promotions,
    valid_on_q,
)
from ..services.plans import (
    group_plan_create,
    group_plan_remove,
    group_plan_update,
    plan_create,
    plan_device_add,
    plan_device_remove,
    plan_device_update,
    plan_item_add,
    plan_item_remove,
    plan_item_update,
    plan_promotion_add,
    plan_promotion_remove,
    plan_promotion_update,
    plan_update,
)

ACCESS = {"read": "customers.view", "write": "catalog.manage"}
MONEY = {"max_digits": 12, "decimal_places": 2}


# --- output serializers ------------------------------------------------------------------


class PlanProductBrief(serializers.ModelSerializer):
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
        ]


class PlanDeviceModelBrief(serializers.ModelSerializer):
    class Meta:
        model = DeviceModel
        fields = ["id", "code", "kind", "vendor", "model", "serialised"]


class PlanItemOutput(serializers.ModelSerializer):
    product = PlanProductBrief()
    effective_price = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = PlanItem
        fields = ["id", "product", "price", "effective_price", "included"]


class PlanDeviceOutput(serializers.ModelSerializer):
    device_model = PlanDeviceModelBrief()

    class Meta:
        model = PlanDevice
        fields = ["id", "device_model", "quantity"]


class PlanPromotionOutput(serializers.ModelSerializer):
    product = serializers.SerializerMethodField()

    class Meta:
        model = PlanPromotion
        fields = ["id", "item", "product", "name", "discount_kind", "value", "months"]

    def get_product(self, obj) -> dict:
        return {
            "id": obj.item.product_id,
            "code": obj.item.product.code,
            "name": obj.item.product.name,
        }


class GroupPlanItemBrief(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")

    class Meta:
        model = PlanItem
        fields = ["id", "product_code", "product_name"]


class GroupPlanOutput(serializers.ModelSerializer):
    group_name = serializers.CharField(source="group.name")
    plan_code = serializers.CharField(source="plan.code")
    group_items = GroupPlanItemBrief(many=True)

    class Meta:
        model = GroupPlan
        fields = ["id", "group", "group_name", "plan", "plan_code", "group_items"]


class PlanOutput(serializers.ModelSerializer):
    class Meta:
        model = SalesPlan
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "valid_from",
            "valid_until",
            "customer_types",
            "cities",
            "zones",
            "max_debt",
            "max_overdue_days",
            "installation_fee",
            "free_installation",
            "min_recharge",
            "is_active",
            "created_at",
        ]


class PlanDetailOutput(PlanOutput):
    items = PlanItemOutput(many=True)
    devices = PlanDeviceOutput(many=True)
    promotions = PlanPromotionOutput(many=True)
    group_plans = serializers.SerializerMethodField()

    class Meta(PlanOutput.Meta):
        fields = [*PlanOutput.Meta.fields, "items", "devices", "promotions", "group_plans"]

    def get_group_plans(self, obj) -> list[dict]:
        return [
            {
                "id": gp.id,
                "group": gp.group_id,
                "group_name": gp.group.name,
                "group_items": [i.pk for i in gp.group_items.all()],
            }
            for gp in obj.group_plans.all()
        ]


# --- input serializers -------------------------------------------------------------------


class PlanInput(serializers.Serializer):
    """Types and choices are checked here; the plan service checks the rules across fields."""

    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=PlanKind.choices, default=PlanKind.POSTPAID)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    customer_types = serializers.ListField(
        child=serializers.ChoiceField(choices=CustomerType.choices), required=False
    )
    cities = serializers.PrimaryKeyRelatedField(
        queryset=City.objects.all(), many=True, required=False
    )
    zones = serializers.PrimaryKeyRelatedField(
        queryset=Zone.objects.all(), many=True, required=False
    )
    max_debt = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    max_overdue_days = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    installation_fee = serializers.DecimalField(required=False, **MONEY)
    free_installation = serializers.BooleanField(required=False)
    min_recharge = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    is_active = serializers.BooleanField(required=False)


class PlanItemInput(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    price = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    included = serializers.BooleanField(default=True)
    with_devices = serializers.BooleanField(
        default=True, help_text="Add the device models the product needs to the plan."
    )


class PlanItemUpdateInput(serializers.Serializer):
    price = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    included = serializers.BooleanField(required=False)


class PlanDeviceInput(serializers.Serializer):
    device_model = serializers.PrimaryKeyRelatedField(queryset=DeviceModel.objects.all())
    quantity = serializers.IntegerField(default=1)


class PlanDeviceUpdateInput(serializers.Serializer):
    quantity = serializers.IntegerField()


class PlanPromotionInput(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.select_related("product"))
    name = serializers.CharField(max_length=100)
    discount_kind = serializers.ChoiceField(choices=DiscountKind.choices)
    value = serializers.DecimalField(**MONEY)
    months = serializers.IntegerField()


class PlanPromotionUpdateInput(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("product"), required=False
    )
    name = serializers.CharField(max_length=100, required=False)
    discount_kind = serializers.ChoiceField(choices=DiscountKind.choices, required=False)
    value = serializers.DecimalField(required=False, **MONEY)
    months = serializers.IntegerField(required=False)


class GroupPlanInput(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(queryset=Group.objects.all())
    plan = serializers.PrimaryKeyRelatedField(queryset=SalesPlan.objects.all())
    group_items = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("product"), many=True, required=False
    )


class GroupPlanUpdateInput(serializers.Serializer):
    group_items = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("product"), many=True
    )


# --- filters -----------------------------------------------------------------------------


class PlanFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=PlanKind.choices)
    active = filters.BooleanFilter(field_name="is_active")
    valid_on = filters.DateFilter(method="filter_valid_on", label="Valid on (YYYY-MM-DD)")

    class Meta:
        model = SalesPlan
        fields = ["kind", "active", "valid_on"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(valid_on_q(value)) if value else queryset


class GroupPlanFilter(filters.FilterSet):
    class Meta:
        model = GroupPlan
        fields = ["group", "plan"]


# --- views -------------------------------------------------------------------------------


def _plan(pk: int) -> SalesPlan:
    return get_object_or_404(SalesPlan, pk=pk)


class PlanListApi(generics.ListAPIView):
    """Sales plans. Filters: kind (postpaid, prepaid), active (true/false), valid_on
    (YYYY-MM-DD: plans that can be sold that day); ``?ordering=`` name, code, valid_from."""

    required_functions = ACCESS
    serializer_class = PlanOutput
    filterset_class = PlanFilter
    ordering_fields = ["name", "code", "valid_from"]

    def get_queryset(self):
        return plan_list().prefetch_related("cities", "zones")

    @extend_schema(request=PlanInput, responses={201: PlanDetailOutput})
    def post(self, request):
        serializer = PlanInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = plan_create(actor=Actor.from_request(request), data=serializer.validated_data)
        return Response(
            PlanDetailOutput(plan_detail_queryset().get(pk=plan.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class PlanDetailApi(APIView):
    """One plan with its products, devices, promotions and group plans."""

    required_functions = ACCESS

    @extend_schema(responses=PlanDetailOutput)
    def get(self, request, pk):
        return Response(PlanDetailOutput(get_object_or_404(plan_detail_queryset(), pk=pk)).data)

    @extend_schema(request=PlanInput(partial=True), responses=PlanDetailOutput)
    def patch(self, request, pk):
        plan = _plan(pk)
        serializer = PlanInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        plan_update(actor=Actor.from_request(request), plan=plan, data=serializer.validated_data)
        return Response(PlanDetailOutput(plan_detail_queryset().get(pk=pk)).data)


class PlanItemListApi(generics.ListAPIView):
    """The products of a plan, at the plan's price (empty ``price``: the catalog's)."""

    required_functions = ACCESS
    serializer_class = PlanItemOutput
    filter_backends: list = []

    def get_queryset(self):
        return plan_items(plan=_plan(self.kwargs["pk"]))

    @extend_schema(request=PlanItemInput, responses={201: PlanItemOutput})
    def post(self, request, pk):
        plan = _plan(pk)
        serializer = PlanItemInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = plan_item_add(
            actor=Actor.from_request(request), plan=plan, **serializer.validated_data
        )
        return Response(PlanItemOutput(item).data, status=status.HTTP_201_CREATED)


class PlanItemDetailApi(APIView):
    required_functions = ACCESS

    def _item(self, pk, item_pk) -> PlanItem:
        return get_object_or_404(PlanItem.objects.select_related("product"), pk=item_pk, plan_id=pk)

    @extend_schema(responses=PlanItemOutput)
    def get(self, request, pk, item_pk):
        return Response(PlanItemOutput(self._item(pk, item_pk)).data)

    @extend_schema(request=PlanItemUpdateInput, responses=PlanItemOutput)
    def patch(self, request, pk, item_pk):
        item = self._item(pk, item_pk)
        serializer = PlanItemUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = plan_item_update(
            actor=Actor.from_request(request), item=item, data=serializer.validated_data
        )
        return Response(PlanItemOutput(item).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk, item_pk):
        plan_item_remove(actor=Actor.from_request(request), item=self._item(pk, item_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanDeviceListApi(generics.ListAPIView):
    """The device models the plan's installation needs."""

    required_functions = ACCESS
    serializer_class = PlanDeviceOutput
    filter_backends: list = []

    def get_queryset(self):
        return plan_devices(plan=_plan(self.kwargs["pk"]))

    @extend_schema(request=PlanDeviceInput, responses={201: PlanDeviceOutput})
    def post(self, request, pk):
        plan = _plan(pk)
        serializer = PlanDeviceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = plan_device_add(
            actor=Actor.from_request(request), plan=plan, **serializer.validated_data
        )
        return Response(PlanDeviceOutput(device).data, status=status.HTTP_201_CREATED)


class PlanDeviceDetailApi(APIView):
    required_functions = ACCESS

    def _device(self, pk, device_pk) -> PlanDevice:
        return get_object_or_404(
            PlanDevice.objects.select_related("device_model"), pk=device_pk, plan_id=pk
        )

    @extend_schema(request=PlanDeviceUpdateInput, responses=PlanDeviceOutput)
    def patch(self, request, pk, device_pk):
        device = self._device(pk, device_pk)
        serializer = PlanDeviceUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = plan_device_update(
            actor=Actor.from_request(request), device=device, **serializer.validated_data
        )
        return Response(PlanDeviceOutput(device).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk, device_pk):
        plan_device_remove(actor=Actor.from_request(request), device=self._device(pk, device_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanPromotionListApi(generics.ListAPIView):
    """Promotions of a plan: a discount on one of its products for N months from activation."""

    required_functions = ACCESS
    serializer_class = PlanPromotionOutput
    filter_backends: list = []

    def get_queryset(self):
        return plan_promotions(plan=_plan(self.kwargs["pk"]))

    @extend_schema(request=PlanPromotionInput, responses={201: PlanPromotionOutput})
    def post(self, request, pk):
        plan = _plan(pk)
        serializer = PlanPromotionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        promotion = plan_promotion_add(
            actor=Actor.from_request(request), plan=plan, **serializer.validated_data
        )
        return Response(PlanPromotionOutput(promotion).data, status=status.HTTP_201_CREATED)


class PlanPromotionDetailApi(APIView):
    required_functions = ACCESS

    def _promotion(self, pk, promotion_pk) -> PlanPromotion:
        return get_object_or_404(
            PlanPromotion.objects.select_related("item__product"), pk=promotion_pk, plan_id=pk
        )

    @extend_schema(request=PlanPromotionUpdateInput, responses=PlanPromotionOutput)
    def patch(self, request, pk, promotion_pk):
        promotion = self._promotion(pk, promotion_pk)
        serializer = PlanPromotionUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        promotion = plan_promotion_update(
            actor=Actor.from_request(request), promotion=promotion, data=serializer.validated_data
        )
        return Response(PlanPromotionOutput(self._promotion(pk, promotion.pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk, promotion_pk):
        plan_promotion_remove(
            actor=Actor.from_request(request), promotion=self._promotion(pk, promotion_pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupPlanListApi(generics.ListAPIView):
    """Group plans (S3): the plan offered to a group's members, and which of its products the
    group pays. Filters: group, plan."""

    required_functions = ACCESS
    serializer_class = GroupPlanOutput
    filterset_class = GroupPlanFilter

    def get_queryset(self):
        return group_plan_list()

    @extend_schema(request=GroupPlanInput, responses={201: GroupPlanOutput})
    def post(self, request):
        serializer = GroupPlanInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = group_plan_create(actor=Actor.from_request(request), **serializer.validated_data)
        return Response(
            GroupPlanOutput(group_plan_list().get(pk=row.pk)).data, status=status.HTTP_201_CREATED
        )


class GroupPlanDetailApi(APIView):
    required_functions = ACCESS

    def _row(self, pk) -> GroupPlan:
        return get_object_or_404(group_plan_list(), pk=pk)

    @extend_schema(responses=GroupPlanOutput)
    def get(self, request, pk):
        return Response(GroupPlanOutput(self._row(pk)).data)

    @extend_schema(request=GroupPlanUpdateInput, responses=GroupPlanOutput)
    def patch(self, request, pk):
        row = self._row(pk)
        serializer = GroupPlanUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        group_plan_update(
            actor=Actor.from_request(request), group_plan=row, **serializer.validated_data
        )
        return Response(GroupPlanOutput(self._row(pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        group_plan_remove(actor=Actor.from_request(request), group_plan=self._row(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
