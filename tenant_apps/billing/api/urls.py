from django.urls import include, path

urlpatterns = [
    path("", include("tenant_apps.billing.api.urls_runs")),
    path("", include("tenant_apps.billing.api.urls_invoices")),
]
