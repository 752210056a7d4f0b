"""Collections API: payments (receive, read, reverse), bank return files (upload, read) and
dunning events (why services were suspended or resumed).

Reading payments needs ``billing.view``; receiving ``collections.receive`` at a
customer-service branch; reversing and bank return files ``collections.manage``; dunning
events ``customers.view`` (agents see why). Services' field errors answer 400 in the user's
language; another company's payment is 404 (each company reads its own schema)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared_apps.audit.actor import Actor

from ..models import BankReturn, DunningEvent, Payment
from ..selectors import (
    bank_return_detail_queryset,
    bank_return_list,
    dunning_events,
    payment_detail_queryset,
    payment_list,
)
from ..services import (
    bank_return_check_size,
    bank_return_upload,
    payment_receive,
    payment_reverse,
)
from .serializers import (
    BankReturnDetailOutput,
    BankReturnInput,
    BankReturnOutput,
    DunningEventOutput,
    DunningQuery,
    PaymentDetailOutput,
    PaymentInput,
    PaymentListQuery,
    PaymentOutput,
    ReverseInput,
)


def _detail(pk: int) -> Payment:
    return get_object_or_404(payment_detail_queryset(), pk=pk)


class PaymentListApi(GenericAPIView):
    """Payments (filters: customer, group, origin, status, branch, received_from,
    received_until); POST receives one: it settles the named invoice first, then the oldest
    open invoices, and keeps the rest as credit. The same ``idempotency_key`` returns the
    payment already received."""

    queryset = Payment.objects.none()  # for the OpenAPI document only
    required_functions = {"read": "billing.view", "write": "collections.receive"}

    @extend_schema(parameters=[PaymentListQuery], responses=PaymentOutput(many=True))
    def get(self, request):
        params = PaymentListQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        v = params.validated_data
        rows = payment_list(
            customer_id=v.get("customer"),
            group_id=v.get("group"),
            origin=v.get("origin", ""),
            status=v.get("status", ""),
            branch_id=v.get("branch"),
            received_from=v.get("received_from"),
            received_until=v.get("received_until"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PaymentOutput(page, many=True).data)

    @extend_schema(request=PaymentInput, responses={201: PaymentDetailOutput})
    def post(self, request):
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payment = payment_receive(
            actor=Actor.from_request(request),
            amount=v["amount"],
            origin=v["origin"],
            received_on=v["received_on"],
            idempotency_key=v["idempotency_key"],
            customer=v.get("customer"),
            group=v.get("group"),
            reference=v["reference"],
            note=v["note"],
            invoice=v.get("invoice"),
        )
        return Response(
            PaymentDetailOutput(_detail(payment.pk)).data, status=status.HTTP_201_CREATED
        )


class PaymentDetailApi(GenericAPIView):
    """One payment with what it settled (its allocations, reversals as negative rows)."""

    queryset = Payment.objects.none()
    required_function = "billing.view"

    @extend_schema(responses=PaymentDetailOutput)
    def get(self, request, pk):
        return Response(PaymentDetailOutput(_detail(pk)).data)


class PaymentReverseApi(GenericAPIView):
    """Reverse a payment: the invoices it settled reopen by exactly what it settled, its
    credit is withdrawn, a reversing ledger entry is posted. Reversing again is a no-op."""

    queryset = Payment.objects.none()
    required_function = "collections.manage"

    @extend_schema(request=ReverseInput, responses=PaymentDetailOutput)
    def post(self, request, pk):
        payment = _detail(pk)
        data = ReverseInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment_reverse(
            actor=Actor.from_request(request),
            payment=payment,
            reason=data.validated_data["reason"],
        )
        return Response(PaymentDetailOutput(_detail(pk)).data)


class BankReturnListApi(GenericAPIView):
    """Bank return files imported; POST (multipart, field ``file``) imports one: CSV layout
    or CNAB 240 (see ``collections.bank_return``). Lines already imported post nothing."""

    queryset = BankReturn.objects.none()
    required_function = "collections.manage"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=BankReturnOutput(many=True))
    def get(self, request):
        page = self.paginate_queryset(bank_return_list())
        return self.get_paginated_response(BankReturnOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": BankReturnInput},
        responses={202: BankReturnDetailOutput},
    )
    def post(self, request):
        """Upload a file: checked whole at once (a wrong structure is a 400 on ``file``), then
        imported in the background: 202 with the file queued; poll its detail until
        ``status`` is ``done``."""
        data = BankReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        bank_return_check_size(size=upload.size)
        batch = bank_return_upload(
            actor=Actor.from_request(request), file_name=upload.name, data=upload.read()
        )
        return Response(
            BankReturnDetailOutput(bank_return_detail_queryset().get(pk=batch.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class BankReturnDetailApi(GenericAPIView):
    """One imported file with the outcome of each line."""

    queryset = BankReturn.objects.none()
    required_function = "collections.manage"

    @extend_schema(responses=BankReturnDetailOutput)
    def get(self, request, pk):
        return Response(
            BankReturnDetailOutput(get_object_or_404(bank_return_detail_queryset(), pk=pk)).data
        )


class DunningEventListApi(GenericAPIView):
    """Why services were suspended or resumed (filter: customer), newest first."""

    queryset = DunningEvent.objects.none()
    required_function = "customers.view"

    @extend_schema(parameters=[DunningQuery], responses=DunningEventOutput(many=True))
    def get(self, request):
        params = DunningQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = dunning_events(customer_id=params.validated_data.get("customer"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DunningEventOutput(page, many=True).data)
