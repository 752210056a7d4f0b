from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..filtersets import DeviceModelFilter, ProductFilter
from ..selectors import device_model_list, product_get, product_list, provisioning_spec
from ..services import (
    device_model_create,
    device_model_retire,
    device_model_update,
    product_create,
    product_retire,
    product_update,
)
from .serializers import (
    DeviceModelInput,
    DeviceModelOutput,
    ProductInput,
    ProductOutput,
    SystemSpecOutput,
)

PERMISSIONS = {"read": "customers.view", "write": "catalog.manage"}


class DeviceModelListApi(generics.ListAPIView):
    """Device models (filters: kind, serialised, is_active). POST creates one."""

    required_functions = PERMISSIONS
    serializer_class = DeviceModelOutput
    filterset_class = DeviceModelFilter
    ordering_fields = ["code", "vendor", "model"]
    search_fields = ["code", "vendor", "model"]

    def get_queryset(self):
        return device_model_list()

    @extend_schema(request=DeviceModelInput, responses={201: DeviceModelOutput})
    def post(self, request):
        serializer = DeviceModelInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = device_model_create(actor=Actor.from_request(request), data=serializer.validated_data)
        return Response(DeviceModelOutput(row).data, status=status.HTTP_201_CREATED)


class DeviceModelDetailApi(APIView):
    required_functions = PERMISSIONS

    def _get(self, pk):
        row = device_model_list().filter(pk=pk).first()
        if row is None:
            raise Http404
        return row

    @extend_schema(responses=DeviceModelOutput)
    def get(self, request, pk):
        return Response(DeviceModelOutput(self._get(pk)).data)

    @extend_schema(request=DeviceModelInput, responses=DeviceModelOutput)
    def patch(self, request, pk):
        row = self._get(pk)
        serializer = DeviceModelInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = device_model_update(
            actor=Actor.from_request(request), device_model=row, data=serializer.validated_data
        )
        return Response(DeviceModelOutput(row).data)

    @extend_schema(responses={200: DeviceModelOutput, 204: None})
    def delete(self, request, pk):
        """Delete an unused device model (204); one a product needs is deactivated (200)."""
        kept = device_model_retire(actor=Actor.from_request(request), device_model=self._get(pk))
        if kept is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DeviceModelOutput(kept).data)


class ProductListApi(generics.ListAPIView):
    """Products (filters: system, role, technology, is_active; ?search= code or name).
    POST creates one; provisioning attributes are checked against the system's spec."""

    required_functions = PERMISSIONS
    serializer_class = ProductOutput
    filterset_class = ProductFilter
    ordering_fields = ["code", "name", "monthly_price"]
    search_fields = ["code", "name"]

    def get_queryset(self):
        return product_list()

    @extend_schema(request=ProductInput, responses={201: ProductOutput})
    def post(self, request):
        serializer = ProductInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = product_create(actor=Actor.from_request(request), data=serializer.validated_data)
        return Response(ProductOutput(product_get(pk=row.pk)).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(APIView):
    required_functions = PERMISSIONS

    def _get(self, pk):
        row = product_get(pk=pk)
        if row is None:
            raise Http404
        return row

    @extend_schema(responses=ProductOutput)
    def get(self, request, pk):
        return Response(ProductOutput(self._get(pk)).data)

    @extend_schema(request=ProductInput, responses=ProductOutput)
    def patch(self, request, pk):
        """Change the fields given; ``devices`` replaces the product's whole list."""
        row = self._get(pk)
        serializer = ProductInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = product_update(
            actor=Actor.from_request(request), product=row, data=serializer.validated_data
        )
        return Response(ProductOutput(product_get(pk=row.pk)).data)

    @extend_schema(responses={200: ProductOutput, 204: None})
    def delete(self, request, pk):
        """Delete a product never used (204); one in a plan or sold is deactivated (200)."""
        kept = product_retire(actor=Actor.from_request(request), product=self._get(pk))
        if kept is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ProductOutput(product_get(pk=kept.pk)).data)


class ProvisioningSpecApi(APIView):
    """The provisioning attributes each system declares: name, label, type, required, bounds."""

    required_function = "customers.view"

    @extend_schema(responses=SystemSpecOutput(many=True))
    def get(self, request):
        return Response(SystemSpecOutput(provisioning_spec(), many=True).data)
