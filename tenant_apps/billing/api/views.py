"""Billing document API: invoices (list, detail with lines and taxes, PDF, cancel), credit
notes, one-off charges and credits, tax rates.

Reading needs ``billing.view``; cancelling invoices and adding or cancelling charges need
``billing.adjust``; writing tax rates needs ``company.settings`` (writes at a branch of the
company: the permission class refuses any other position with a 403 naming it). Another
company's rows are not found (404): every query runs in the request's company schema.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..filtersets import ChargeFilter, CreditNoteFilter, InvoiceFilter, TaxRateFilter
from ..models import CreditNote, OneOffCharge, TaxRate
from ..pdf import invoice_pdf_ensure, invoice_pdf_filename
from ..selectors import (
    charge_list,
    credit_note_list,
    invoice_detail_queryset,
    invoice_list,
    tax_rate_list,
)
from ..services import (
    charge_add,
    charge_cancel,
    charges_bill_now,
    invoice_cancel,
    tax_rate_create,
    tax_rate_update,
)
from .serializers import (
    ChargeInput,
    ChargeOutput,
    ChargesBillInput,
    CreditNoteOutput,
    InvoiceCancelInput,
    InvoiceListOutput,
    InvoiceOutput,
    TaxRateInput,
    TaxRateOutput,
)

VIEW, ADJUST, SETTINGS = "billing.view", "billing.adjust", "company.settings"


def _invoice(pk: int):
    return get_object_or_404(invoice_detail_queryset(), pk=pk)


# --- invoices --------------------------------------------------------------------------------


class InvoiceListApi(generics.ListAPIView):
    """Issued invoices, newest first (filters: number, customer, group, status, kind, run,
    cycle_start, issued_from/issued_until, overdue)."""

    required_function = VIEW
    serializer_class = InvoiceListOutput
    filterset_class = InvoiceFilter
    ordering_fields = ["issued_on", "due_on", "number", "total"]

    def get_queryset(self):
        return invoice_list()


class InvoiceDetailApi(generics.RetrieveAPIView):
    """One invoice with its lines (each traced to member, subscription, product, plan,
    promotion or charge, and period), its taxes per line and per invoice, its ledger entry."""

    required_function = VIEW
    serializer_class = InvoiceOutput

    def get_queryset(self):
        return invoice_detail_queryset()


class InvoicePdfApi(APIView):
    """The invoice's PDF (rendered and stored on the first request)."""

    required_function = VIEW

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The invoice's PDF."
            )
        }
    )
    def get(self, request, pk):
        invoice = invoice_pdf_ensure(invoice=_invoice(pk))
        with invoice.pdf.open("rb") as f:
            content = f.read()
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{invoice_pdf_filename(invoice)}"'
        return response


class InvoiceCancelApi(APIView):
    """Cancel an invoice: a credit note of its total is credited to the payer's account.
    Again on a cancelled invoice: its credit note (200). Refused (400, field ``invoice``) for
    an invoice with payments allocated (reverse them first) or nothing to credit."""

    required_function = ADJUST

    @extend_schema(
        request=InvoiceCancelInput, responses={201: CreditNoteOutput, 200: CreditNoteOutput}
    )
    def post(self, request, pk):
        invoice = _invoice(pk)
        data = InvoiceCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        existed = CreditNote.objects.filter(invoice=invoice).exists()
        note = invoice_cancel(
            actor=Actor.from_request(request),
            invoice=invoice,
            reason=data.validated_data["reason"],
        )
        note = CreditNote.objects.select_related("invoice", "entry").get(pk=note.pk)
        return Response(
            CreditNoteOutput(note).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# --- credit notes ----------------------------------------------------------------------------


class CreditNoteListApi(generics.ListAPIView):
    """Credit notes, newest first (filters: customer, group, invoice, issued_from/until)."""

    required_function = VIEW
    serializer_class = CreditNoteOutput
    filterset_class = CreditNoteFilter

    def get_queryset(self):
        return credit_note_list().select_related("entry")


# --- one-off charges and credits -------------------------------------------------------------


class ChargeListApi(generics.ListAPIView):
    """One-off charges and credits (filters: customer, group, kind, state =
    unbilled/billed/cancelled, invoice); POST adds one for the payer's next invoice."""

    required_functions = {"read": VIEW, "write": ADJUST}
    serializer_class = ChargeOutput
    filterset_class = ChargeFilter

    def get_queryset(self):
        return charge_list(state=None)

    @extend_schema(request=ChargeInput, responses={201: ChargeOutput})
    def post(self, request):
        data = ChargeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        key = v["idempotency_key"] or uuid.uuid4().hex
        charge = charge_add(
            actor=Actor.from_request(request),
            kind=v["kind"],
            amount=v["amount"],
            description=v["description"],
            source=v["source"],
            source_ref=v["source_ref"],
            system=v["system"],
            idempotency_key=f"api:{key}",
            customer=v.get("customer"),
            group=v.get("group"),
        )
        return Response(ChargeOutput(charge).data, status=status.HTTP_201_CREATED)


class ChargesBillApi(APIView):
    """Bill a payer's unbilled charges and credits now, on an invoice of their own (kind
    ``one_off``), instead of waiting for the next run. 400 (field ``charges``) when there is
    nothing to bill, or when the credits exceed the charges (the total would be negative)."""

    required_function = ADJUST

    @extend_schema(request=ChargesBillInput, responses={201: InvoiceOutput})
    def post(self, request):
        data = ChargesBillInput(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = charges_bill_now(
            actor=Actor.from_request(request),
            customer=data.validated_data.get("customer"),
            group=data.validated_data.get("group"),
        )
        return Response(
            InvoiceOutput(invoice_detail_queryset().get(pk=invoice.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ChargeCancelApi(APIView):
    """Cancel an unbilled charge or credit (400, field ``charge``, when already billed)."""

    required_function = ADJUST

    @extend_schema(request=None, responses=ChargeOutput)
    def post(self, request, pk):
        charge = get_object_or_404(OneOffCharge, pk=pk)
        charge = charge_cancel(actor=Actor.from_request(request), charge=charge)
        return Response(ChargeOutput(charge).data)


# --- tax rates -------------------------------------------------------------------------------


class TaxRateListApi(generics.ListAPIView):
    """The company's tax rates per system (filters: system, mode, is_active); POST adds one."""

    required_functions = {"read": VIEW, "write": SETTINGS}
    serializer_class = TaxRateOutput
    filterset_class = TaxRateFilter

    def get_queryset(self):
        return tax_rate_list()

    @extend_schema(request=TaxRateInput, responses={201: TaxRateOutput})
    def post(self, request):
        data = TaxRateInput(data=request.data)
        data.is_valid(raise_exception=True)
        rate = tax_rate_create(actor=Actor.from_request(request), data=data.validated_data)
        return Response(TaxRateOutput(rate).data, status=status.HTTP_201_CREATED)


class TaxRateDetailApi(generics.RetrieveAPIView):
    """One tax rate; PATCH edits it (``is_active: false`` stops applying it to new invoices)."""

    required_functions = {"read": VIEW, "write": SETTINGS}
    serializer_class = TaxRateOutput

    def get_queryset(self):
        return TaxRate.objects.all()

    @extend_schema(request=TaxRateInput, responses=TaxRateOutput)
    def patch(self, request, pk):
        rate = get_object_or_404(TaxRate, pk=pk)
        data = TaxRateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rate = tax_rate_update(
            actor=Actor.from_request(request), tax_rate=rate, data=data.validated_data
        )
        return Response(TaxRateOutput(rate).data)
