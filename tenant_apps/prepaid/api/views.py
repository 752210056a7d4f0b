"""Prepaid API: wallets (list, one with its entries) and recharges. Reading needs
``billing.view``; a recharge ``collections.receive`` at a customer-service branch. Below the
minimum a recharge answers 400 with the error on ``amount``; another company's wallet is 404
(each company reads its own schema)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from shared_apps.audit.actor import Actor

from ..models import Wallet
from ..selectors import customer_prepaid, wallet_detail_queryset, wallet_entries, wallet_list
from ..services import recharge
from .serializers import (
    RechargeInput,
    RechargeOutput,
    WalletDetailOutput,
    WalletOutput,
    WalletQuery,
)

ENTRIES_MAX = 200


class WalletListApi(GenericAPIView):
    """Prepaid wallets (filters: ``q`` customer number, name or tax id start; ``active``)."""

    queryset = Wallet.objects.none()  # for the OpenAPI document only
    required_function = "billing.view"

    @extend_schema(parameters=[WalletQuery], responses=WalletOutput(many=True))
    def get(self, request):
        params = WalletQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        v = params.validated_data
        page = self.paginate_queryset(wallet_list(q=v.get("q", ""), active=v.get("active")))
        return self.get_paginated_response(WalletOutput(page, many=True).data)


class WalletDetailApi(GenericAPIView):
    """One wallet: balance, services on/off, the daily value and days it pays, the minimum
    recharge, and its latest 200 entries (newest first) with the balance after each."""

    queryset = Wallet.objects.none()
    required_function = "billing.view"

    @extend_schema(responses=WalletDetailOutput)
    def get(self, request, pk):
        wallet = get_object_or_404(wallet_detail_queryset(), pk=pk)
        facts = customer_prepaid(wallet.customer_id)
        wallet.daily_value = facts["daily_value"]
        wallet.days_left = facts["days_left"]
        wallet.minimum_recharge = facts["minimum"]
        wallet.entries_list = list(wallet_entries(wallet)[:ENTRIES_MAX])
        data = WalletDetailOutput(wallet).data
        return Response(data)


class RechargeApi(GenericAPIView):
    """A recharge: invoiced (one invoice per recharge), paid at once, credited to the balance;
    at the minimum it turns services that were off back on and charges the day. Refused below
    the minimum (400 on ``amount``). The idempotency key (field or ``Idempotency-Key`` header)
    makes a retry return the first recharge."""

    queryset = Wallet.objects.none()
    required_function = "collections.receive"

    @extend_schema(
        request=RechargeInput,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                description="Used when the body has no idempotency_key.",
            )
        ],
        responses={200: RechargeOutput, 201: RechargeOutput},
    )  # fmt: skip
    def post(self, request):
        data = RechargeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        key = v.get("idempotency_key") or request.headers.get("Idempotency-Key", "")
        done = recharge(
            actor=Actor.from_request(request),
            customer=v["customer"],
            amount=v["amount"],
            origin=v["origin"],
            received_on=v.get("received_on"),
            idempotency_key=key,
            reference=v["reference"],
        )
        out = RechargeOutput(
            {
                "wallet": done.wallet.pk,
                "customer": done.wallet.customer_id,
                "amount": done.entry.amount,
                "invoice": done.invoice.pk,
                "invoice_number": done.invoice.number,
                "payment": done.payment.pk,
                "balance": done.wallet.balance,
                "active": done.wallet.active,
                "reactivated": done.reactivated,
                "charged": done.charged,
                "replayed": done.replayed,
            }
        )
        return Response(out.data, status=status.HTTP_200_OK if done.replayed else 201)
