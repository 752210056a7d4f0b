"""The billing reports as JSON (the same selectors as the pages). Reading needs
``billing.view``; a bad filter is a 400 naming the field."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import ageing_report, billing_report, collections_report
from .serializers import (
    AgeingQuery,
    AgeingReportOutput,
    BillingQuery,
    BillingReportOutput,
    CollectionsQuery,
    CollectionsReportOutput,
)

READ = "billing.view"


class BillingReportApi(APIView):
    """Billing by cycle and system: numbered invoices (drafts out), cancelled ones shown apart
    (``cancelled_*``) and netted in ``net_total``."""

    required_function = READ

    @extend_schema(parameters=[BillingQuery], responses=BillingReportOutput)
    def get(self, request):
        params = BillingQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        report = billing_report(**params.validated_data)
        return Response(BillingReportOutput(report).data)


class CollectionsReportApi(APIView):
    """Collections by period (day or month), origin and system; reversed payments out of the
    amounts and counted apart."""

    required_function = READ

    @extend_schema(parameters=[CollectionsQuery], responses=CollectionsReportOutput)
    def get(self, request):
        params = CollectionsQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        report = collections_report(**params.validated_data)
        return Response(CollectionsReportOutput(report).data)


class AgeingReportApi(APIView):
    """Receivables ageing as of a day: open amounts by days past due (as_of − due_on): not
    yet due (< 0), 0–30, 31–60, 61–90, 90+ (≥ 91); totals and the payers owing most."""

    required_function = READ

    @extend_schema(parameters=[AgeingQuery], responses=AgeingReportOutput)
    def get(self, request):
        params = AgeingQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        report = ageing_report(**params.validated_data)
        return Response(AgeingReportOutput(report).data)
