"""Sale API: checking and making sales, what was sold, and everything done to it.

Selling (a sale, an additional product, a plan change) needs ``sales.sell``; cancelling needs
``sales.cancel``; both at a customer-service branch (P3: the one permission check refuses any
other position with a 403 naming the branch kind). Activating by hand needs
``subscriptions.activate``. Reading needs ``customers.view``. A refused sale answers 400 with
code ``sale_refused`` and one entry per failing condition in ``failures``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..choices import RequestKind, RequestStatus, SaleKind, SubscriptionStatus
from ..models import Sale, ServiceRequest, Subscription
from ..selectors import sale_detail_queryset, sale_list, service_request_list, subscription_list
from ..services.selling import (
    SaleRefused,
    additional_add,
    additional_remove,
    customer_cancel,
    plan_change,
    sale_check,
    sale_create,
    subscription_activate_manually,
    subscription_cancel,
)
from .serializers import (
    ActivateInput,
    AdditionalInput,
    CancelInput,
    CancelOutput,
    ChangePlanInput,
    CustomerCancelInput,
    RemoveInput,
    SaleCheckInput,
    SaleCheckOutput,
    SaleInput,
    SaleListOutput,
    SaleOutput,
    ServiceRequestOutput,
    SubscriptionOutput,
)

READ = "customers.view"


def _failures(failures) -> list[dict]:
    return [{"code": f.code, "field": f.field, "message": f.message} for f in failures]


def refused(exc: SaleRefused) -> Response:
    """400 with code ``sale_refused``: every failing condition, by field and in ``failures``."""
    fields: dict[str, list[str]] = {}
    for failure in exc.failures:
        fields.setdefault(failure.field, []).append(failure.message)
    count = len(exc.failures)
    return Response(
        {
            "code": "sale_refused",
            "detail": ngettext(
                "The sale was refused: %(count)d condition is not met.",
                "The sale was refused: %(count)d conditions are not met.",
                count,
            )
            % {"count": count},
            "fields": fields,
            "failures": _failures(exc.failures),
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _sale_response(sale: Sale, code=status.HTTP_201_CREATED) -> Response:
    return Response(SaleOutput(sale_detail_queryset().get(pk=sale.pk)).data, status=code)


# --- sales -----------------------------------------------------------------------------------


class SaleFilter(filters.FilterSet):
    customer = filters.NumberFilter(field_name="customer_id")
    kind = filters.ChoiceFilter(choices=SaleKind.choices)

    class Meta:
        model = Sale
        fields = ["customer", "kind"]


class SaleCheckApi(APIView):
    """Dry run of a sale: every failing condition, nothing written."""

    required_function = "sales.sell"

    @extend_schema(request=SaleCheckInput, responses=SaleCheckOutput)
    def post(self, request):
        data = SaleCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        failures = sale_check(
            customer=v["customer"],
            address=v["address"],
            plan=v["plan"],
            optional_items=v["optional_items"],
        )
        return Response(SaleCheckOutput({"ok": not failures, "failures": _failures(failures)}).data)


class SaleListApi(generics.ListAPIView):
    """Sales (filters: customer, kind); POST sells a plan."""

    required_functions = {"read": READ, "write": "sales.sell"}
    serializer_class = SaleListOutput
    filterset_class = SaleFilter

    def get_queryset(self):
        return sale_list()

    @extend_schema(request=SaleInput, responses={201: SaleOutput})
    def post(self, request):
        data = SaleInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            sale = sale_create(
                actor=Actor.from_request(request),
                customer=v["customer"],
                address=v["address"],
                plan=v["plan"],
                optional_items=v["optional_items"],
                idempotency_key=v.get("idempotency_key") or None,
            )
        except SaleRefused as exc:
            return refused(exc)
        return _sale_response(sale)


class SaleDetailApi(generics.RetrieveAPIView):
    required_function = READ
    serializer_class = SaleOutput

    def get_queryset(self):
        return sale_detail_queryset()


# --- subscriptions ---------------------------------------------------------------------------


class SubscriptionFilter(filters.FilterSet):
    customer = filters.NumberFilter(field_name="customer_id")
    address = filters.NumberFilter(field_name="address_id")
    status = filters.ChoiceFilter(choices=SubscriptionStatus.choices)

    class Meta:
        model = Subscription
        fields = ["customer", "address", "status"]


class SubscriptionListApi(generics.ListAPIView):
    """Products sold (filters: customer, status, address)."""

    required_function = READ
    serializer_class = SubscriptionOutput
    filterset_class = SubscriptionFilter

    def get_queryset(self):
        return subscription_list()


class SubscriptionDetailApi(generics.RetrieveAPIView):
    required_function = READ
    serializer_class = SubscriptionOutput

    def get_queryset(self):
        return subscription_list()


def _subscription(pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.select_related("product", "address", "customer", "plan"), pk=pk
    )


class SubscriptionActivateApi(APIView):
    """Activate a pending product by hand (audited with the note), until the technical side
    activates it from the installation order."""

    required_function = "subscriptions.activate"

    @extend_schema(request=ActivateInput, responses=SubscriptionOutput)
    def post(self, request, pk):
        sub = _subscription(pk)
        data = ActivateInput(data=request.data)
        data.is_valid(raise_exception=True)
        sub = subscription_activate_manually(
            actor=Actor.from_request(request),
            subscription=sub,
            on=data.validated_data["on"],
            note=data.validated_data["note"],
        )
        return Response(SubscriptionOutput(subscription_list().get(pk=sub.pk)).data)


class SubscriptionCancelApi(APIView):
    """Cancel a product (a main product takes its additional products with it)."""

    required_function = "sales.cancel"

    @extend_schema(request=CancelInput, responses=CancelOutput)
    def post(self, request, pk):
        sub = _subscription(pk)
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = subscription_cancel(
            actor=Actor.from_request(request),
            subscription=sub,
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
        )
        qs = subscription_list().filter(pk__in=[s.pk for s in cancelled])
        return Response(CancelOutput({"cancelled": qs}).data)


class SubscriptionRemoveApi(APIView):
    """Remove an additional product (its main product stays)."""

    required_function = "sales.cancel"

    @extend_schema(request=RemoveInput, responses=SubscriptionOutput)
    def post(self, request, pk):
        sub = _subscription(pk)
        data = RemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        sub = additional_remove(
            actor=Actor.from_request(request),
            subscription=sub,
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
        )
        return Response(SubscriptionOutput(subscription_list().get(pk=sub.pk)).data)


class SubscriptionChangePlanApi(APIView):
    """Move the products of this product's plan at its address to another plan from a date."""

    required_function = "sales.sell"

    @extend_schema(request=ChangePlanInput, responses={201: SaleOutput})
    def post(self, request, pk):
        sub = _subscription(pk)
        data = ChangePlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            sale = plan_change(
                actor=Actor.from_request(request),
                subscription=sub,
                new_plan=v["plan"],
                effective_on=v["effective_on"],
                optional_items=v["optional_items"],
                idempotency_key=v.get("idempotency_key") or None,
            )
        except SaleRefused as exc:
            return refused(exc)
        return _sale_response(sale)


class AdditionalAddApi(APIView):
    """Sell an additional product of a plan at an address that has its main product."""

    required_function = "sales.sell"

    @extend_schema(request=AdditionalInput, responses={201: SaleOutput})
    def post(self, request):
        data = AdditionalInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            sale = additional_add(
                actor=Actor.from_request(request),
                address=v["address"],
                item=v["item"],
                idempotency_key=v.get("idempotency_key") or None,
            )
        except SaleRefused as exc:
            return refused(exc)
        return _sale_response(sale)


class CustomerCancelApi(APIView):
    """Cancel every product of a customer (disconnection and device-removal requests per
    address)."""

    required_function = "sales.cancel"

    @extend_schema(request=CustomerCancelInput, responses=CancelOutput)
    def post(self, request):
        data = CustomerCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cancelled = customer_cancel(
            actor=Actor.from_request(request),
            customer=v["customer"],
            reason=v["reason"],
            note=v["note"],
        )
        qs = subscription_list().filter(pk__in=[s.pk for s in cancelled])
        return Response(CancelOutput({"cancelled": qs}).data, status=status.HTTP_201_CREATED)


# --- service requests ------------------------------------------------------------------------


class ServiceRequestFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=RequestKind.choices)
    status = filters.ChoiceFilter(choices=RequestStatus.choices)
    customer = filters.NumberFilter(field_name="customer_id")

    class Meta:
        model = ServiceRequest
        fields = ["kind", "status", "customer"]


class ServiceRequestListApi(generics.ListAPIView):
    """Work asked of the technical side (filters: kind, status, customer)."""

    required_function = READ
    serializer_class = ServiceRequestOutput
    filterset_class = ServiceRequestFilter

    def get_queryset(self):
        return service_request_list()


class ServiceRequestDetailApi(generics.RetrieveAPIView):
    required_function = READ
    serializer_class = ServiceRequestOutput

    def get_queryset(self):
        return service_request_list()
