"""Billing run API: the runs (POST starts one), a run with its progress, resume, the preview.

Reading needs ``billing.view``; starting, resuming and previewing need ``billing.run`` (a write
at a branch, per the function's scope). A refused cycle (not closed yet, not on the billing
day) is a 400 on ``cycle_start``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..models import BillingRun
from ..services.runs import (
    billing_run_preview,
    billing_run_resume,
    billing_run_start,
    exception_rows,
)

READ = "billing.view"
RUN = "billing.run"
MONEY = {"max_digits": 14, "decimal_places": 2}


class RunExceptionOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    count = serializers.IntegerField()
    systems = serializers.ListField(child=serializers.CharField(), required=False)
    payers = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="A sample of the payers, as customer:<id> or group:<id>.",
    )


class RunOutput(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="Percent of chunks done.")
    totals_by_system = serializers.DictField(child=serializers.DecimalField(**MONEY))
    exceptions = serializers.SerializerMethodField()

    class Meta:
        model = BillingRun
        fields = [
            "id",
            "cycle_start",
            "cycle_end",
            "timing",
            "issued_on",
            "due_on",
            "status",
            "progress",
            "chunks_total",
            "chunks_done",
            "invoices_count",
            "total",
            "totals_by_system",
            "exceptions",
            "error",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RunExceptionOutput(many=True))
    def get_exceptions(self, run) -> list[dict]:
        return RunExceptionOutput(exception_rows(run.exceptions), many=True).data


class RunStartInput(serializers.Serializer):
    cycle_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Empty: the cycle the company's parameters bill today.",
    )
    issued_on = serializers.DateField(required=False, allow_null=True, help_text="Empty: today.")


class PreviewInput(serializers.Serializer):
    cycle_start = serializers.DateField(required=False, allow_null=True)


class PreviewOutput(serializers.Serializer):
    cycle_start = serializers.DateField()
    cycle_end = serializers.DateField()
    timing = serializers.CharField()
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    invoices = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)
    totals_by_system = serializers.DictField(child=serializers.DecimalField(**MONEY))
    exceptions = RunExceptionOutput(many=True)
    run = serializers.IntegerField(allow_null=True, help_text="The cycle's run, when it has one.")


class RunListApi(generics.ListAPIView):
    """The billing runs, newest cycle first; POST starts one (or returns the cycle's run)."""

    required_functions = {"read": READ, "write": RUN}
    serializer_class = RunOutput

    def get_queryset(self):
        return BillingRun.objects.order_by("-cycle_start")

    @extend_schema(request=RunStartInput, responses={201: RunOutput, 200: RunOutput})
    def post(self, request):
        data = RunStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        before = BillingRun.objects.count()
        run = billing_run_start(
            actor=Actor.from_request(request),
            cycle_start=data.validated_data.get("cycle_start"),
            issued_on=data.validated_data.get("issued_on"),
        )
        created = BillingRun.objects.count() > before
        return Response(
            RunOutput(run).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class RunDetailApi(generics.RetrieveAPIView):
    """A run: status, progress, chunks, invoices so far, totals and exceptions."""

    required_function = READ
    serializer_class = RunOutput
    queryset = BillingRun.objects.all()


class RunResumeApi(APIView):
    """Enqueue again what the run has not done (nothing is billed twice)."""

    required_function = RUN

    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, pk: int):
        run = get_object_or_404(BillingRun, pk=pk)
        run = billing_run_resume(actor=Actor.from_request(request), run=run)
        return Response(RunOutput(run).data)


class RunPreviewApi(APIView):
    """What a run of the cycle would bill, nothing written (the run's figures once done)."""

    required_function = RUN

    @extend_schema(
        parameters=[OpenApiParameter("cycle_start", str, description="YYYY-MM-DD")],
        responses=PreviewOutput,
    )
    def get(self, request):
        data = PreviewInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        preview = billing_run_preview(cycle_start=data.validated_data.get("cycle_start"))
        payload = {
            "cycle_start": preview.cycle.start,
            "cycle_end": preview.cycle.end,
            "timing": preview.timing,
            "issued_on": preview.issued_on,
            "due_on": preview.due_on,
            "invoices": preview.invoices,
            "total": preview.total,
            "totals_by_system": preview.totals_by_system,
            "exceptions": exception_rows(preview.exceptions),
            "run": preview.run.pk if preview.run else None,
        }
        return Response(PreviewOutput(payload).data)
