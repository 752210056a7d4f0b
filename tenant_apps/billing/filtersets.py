"""Query-parameter filters of the billing API (django-filter)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from tenant_apps.parameters.selectors import company_today

from .choices import ChargeKind, InvoiceKind, InvoiceStatus
from .models import CreditNote, Invoice, OneOffCharge, TaxRate
from .selectors import charges_in_state, number_variants, overdue_q


class InvoiceFilter(filters.FilterSet):
    number = filters.CharFilter(
        method="filter_number", label="The invoice number, in any letter case."
    )
    customer = filters.NumberFilter(field_name="customer_id")
    group = filters.NumberFilter(field_name="group_id")
    status = filters.ChoiceFilter(choices=InvoiceStatus.choices)
    kind = filters.ChoiceFilter(choices=InvoiceKind.choices)
    run = filters.NumberFilter(field_name="run_id")
    cycle_start = filters.DateFilter(field_name="cycle_start")
    issued_from = filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_until = filters.DateFilter(field_name="issued_on", lookup_expr="lte")
    overdue = filters.BooleanFilter(
        method="filter_overdue", label="Only open invoices past their due date (true/false)."
    )

    class Meta:
        model = Invoice
        fields = ["number", "customer", "group", "status", "kind", "run", "cycle_start"]

    def filter_number(self, queryset, name, value):
        return queryset.filter(number__in=number_variants(value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = overdue_q(company_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class CreditNoteFilter(filters.FilterSet):
    customer = filters.NumberFilter(field_name="invoice__customer_id")
    group = filters.NumberFilter(field_name="invoice__group_id")
    invoice = filters.NumberFilter(field_name="invoice_id")
    issued_from = filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_until = filters.DateFilter(field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = CreditNote
        fields = ["customer", "group", "invoice"]


CHARGE_STATES = [
    ("unbilled", "unbilled"),
    ("billed", "billed"),
    ("cancelled", "cancelled"),
]


class ChargeFilter(filters.FilterSet):
    customer = filters.NumberFilter(field_name="customer_id")
    group = filters.NumberFilter(field_name="group_id")
    kind = filters.ChoiceFilter(choices=ChargeKind.choices)
    state = filters.ChoiceFilter(
        choices=CHARGE_STATES, method="filter_state", label="unbilled, billed or cancelled"
    )
    invoice = filters.NumberFilter(field_name="invoice_id")

    class Meta:
        model = OneOffCharge
        fields = ["customer", "group", "kind", "invoice"]

    def filter_state(self, queryset, name, value):
        return charges_in_state(queryset, value)


class TaxRateFilter(filters.FilterSet):
    class Meta:
        model = TaxRate
        fields = ["system", "mode", "is_active"]
