from django.urls import include, path

# Billing runs (urls_runs) and invoices, charges, credit notes and tax rates (urls_invoices).
urlpatterns = [
    path("", include("tenant_apps.billing.urls_runs")),
    path("", include("tenant_apps.billing.urls_invoices")),
]
