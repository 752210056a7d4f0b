from django.urls import path

from .views import (
    ChargeCancelApi,
    ChargeListApi,
    ChargesBillApi,
    CreditNoteListApi,
    InvoiceCancelApi,
    InvoiceDetailApi,
    InvoiceListApi,
    InvoicePdfApi,
    TaxRateDetailApi,
    TaxRateListApi,
)

urlpatterns = [
    path("invoices/", InvoiceListApi.as_view(), name="api-invoices"),
    path("invoices/<int:pk>/", InvoiceDetailApi.as_view(), name="api-invoice"),
    path("invoices/<int:pk>/pdf/", InvoicePdfApi.as_view(), name="api-invoice-pdf"),
    path("invoices/<int:pk>/cancel/", InvoiceCancelApi.as_view(), name="api-invoice-cancel"),
    path("credit-notes/", CreditNoteListApi.as_view(), name="api-credit-notes"),
    path("charges/", ChargeListApi.as_view(), name="api-charges"),
    path("charges/bill/", ChargesBillApi.as_view(), name="api-charges-bill"),
    path("charges/<int:pk>/cancel/", ChargeCancelApi.as_view(), name="api-charge-cancel"),
    path("tax-rates/", TaxRateListApi.as_view(), name="api-tax-rates"),
    path("tax-rates/<int:pk>/", TaxRateDetailApi.as_view(), name="api-tax-rate"),
]
