"""Ledger API: current accounts with their balance (the sum of their entries) and an account's
entries with the running balance. Reading needs ``billing.view``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView

from ..models import Account
from ..statement import account_list, account_statement
from .serializers import AccountListQuery, AccountOutput, EntryListQuery, EntryOutput

READ = "billing.view"


class AccountListApi(GenericAPIView):
    """Current accounts (one per customer, one per group), with ``balance``: the sum of their
    entries (positive: the holder owes). Filters ``customer``, ``group``."""

    queryset = Account.objects.none()  # for the OpenAPI document only
    required_function = READ
    filter_backends: list = []

    @extend_schema(parameters=[AccountListQuery], responses=AccountOutput(many=True))
    def get(self, request):
        params = AccountListQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = account_list(
            customer=params.validated_data.get("customer"),
            group=params.validated_data.get("group"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AccountOutput(page, many=True).data)


class AccountEntryListApi(GenericAPIView):
    """An account's entries ordered by (posted_at, id), each with ``running_balance``: the
    balance after it, counted from the opening balance before ``start`` (days in the company's
    time zone), and the document it belongs to (invoice, payment, credit note)."""

    queryset = Account.objects.none()  # for the OpenAPI document only
    required_function = READ
    filter_backends: list = []

    @extend_schema(parameters=[EntryListQuery], responses=EntryOutput(many=True))
    def get(self, request, pk):
        account = get_object_or_404(Account, pk=pk)
        params = EntryListQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        statement = account_statement(
            account_id=account.pk,
            start=params.validated_data.get("start"),
            end=params.validated_data.get("end"),
        )
        page = self.paginate_queryset(statement.entries)
        return self.get_paginated_response(EntryOutput(page, many=True).data)
