"""Invoices, one-off charges and credits, tax rates, the 360's billing panel."""

from django.urls import path

from . import views

urlpatterns = [
    path("invoices/", views.InvoiceListView.as_view(), name="invoices"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/pdf/", views.InvoicePdfView.as_view(), name="invoice-pdf"),
    path("invoices/<int:pk>/cancel/", views.InvoiceCancelView.as_view(), name="invoice-cancel"),
    path("charges/", views.ChargeListView.as_view(), name="charges"),
    path("charges/bill/", views.ChargesBillView.as_view(), name="charges-bill"),
    path("charges/<int:pk>/cancel/", views.ChargeCancelView.as_view(), name="charge-cancel"),
    path("tax-rates/", views.TaxRateListView.as_view(), name="tax-rates"),
    path("tax-rates/<int:pk>/", views.TaxRateEditView.as_view(), name="tax-rate-edit"),
    path(
        "tax-rates/<int:pk>/deactivate/",
        views.TaxRateDeactivateView.as_view(),
        name="tax-rate-deactivate",
    ),
    path(
        "customers/<int:customer_id>/panel/",
        views.CustomerBillingPanelView.as_view(),
        name="customer-billing-panel",
    ),
]
