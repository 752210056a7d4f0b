"""Billing run API: the runs (POST starts one), a run with its progress, resume, and the
previews (POST asks for one, computed in the background; GET polls it).

Reading needs ``billing.view``; starting, resuming and previewing need ``billing.run`` (a write
at a branch, per the function's scope). A refused cycle (not closed yet, not on the billing
day) is a 400 on ``cycle_start``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..models import BillingPreview, BillingRun
from ..selectors import previews
from ..services.runs import (
    billing_preview_request,
    billing_run_request,
    billing_run_resume,
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


# What a run and a preview both show (models.CycleFigures).
FIGURES = [
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
    "finished_at",
]


class FiguresOutput(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="Percent of chunks done.")
    totals_by_system = serializers.DictField(child=serializers.DecimalField(**MONEY))
    exceptions = serializers.SerializerMethodField()

    @extend_schema_field(RunExceptionOutput(many=True))
    def get_exceptions(self, row) -> list[dict]:
        return RunExceptionOutput(exception_rows(row.exceptions), many=True).data


class RunOutput(FiguresOutput):
    class Meta:
        model = BillingRun
        fields = [*FIGURES, "started_at"]
        read_only_fields = fields


class RunStartInput(serializers.Serializer):
    cycle_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Empty: the cycle the company's parameters bill today.",
    )
    issued_on = serializers.DateField(required=False, allow_null=True, help_text="Empty: today.")


class PreviewInput(serializers.Serializer):
    cycle_start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Empty: the cycle the company's parameters bill today.",
    )


class PreviewOutput(FiguresOutput):
    run = serializers.IntegerField(
        source="run_pk", read_only=True, allow_null=True, help_text="The cycle's run, if any."
    )

    class Meta:
        model = BillingPreview
        fields = [*FIGURES, "run"]
        read_only_fields = fields


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
        run, created = billing_run_request(
            actor=Actor.from_request(request),
            cycle_start=data.validated_data.get("cycle_start"),
            issued_on=data.validated_data.get("issued_on"),
        )
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


class PreviewListApi(generics.ListAPIView):
    """The previews asked for, newest first; POST asks for one: 202 with the preview queued
    (poll it until ``status`` is ``done``), or the one of that cycle already computing."""

    required_functions = {"read": RUN, "write": RUN}
    serializer_class = PreviewOutput

    def get_queryset(self):
        return previews()

    @extend_schema(request=PreviewInput, responses={202: PreviewOutput})
    def post(self, request):
        data = PreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        preview = billing_preview_request(
            actor=Actor.from_request(request), cycle_start=data.validated_data.get("cycle_start")
        )
        return Response(
            PreviewOutput(previews().get(pk=preview.pk)).data, status=status.HTTP_202_ACCEPTED
        )


class PreviewDetailApi(generics.RetrieveAPIView):
    """A preview: status and progress while it computes, then the figures and exceptions."""

    required_function = RUN
    serializer_class = PreviewOutput

    def get_queryset(self):
        return previews()
