from django.urls import include, path

# Documented in the one OpenAPI document at /api/v1/schema/ (see config.urls_openapi).
urlpatterns = [
    path("", include("tenant_apps.parameters.api.urls")),
    path("", include("shared_apps.audit.api_urls")),
    path("", include("shared_apps.access.api.company_urls")),
    path("", include("tenant_apps.catalog.api.urls")),
    path("", include("tenant_apps.locations.api.urls")),
    path("", include("tenant_apps.customers.api.urls")),
    path("", include("tenant_apps.sales.api.urls_plans")),
    path("", include("tenant_apps.sales.api.urls")),
    path("", include("tenant_apps.imports.api.urls")),
    path("", include("tenant_apps.billing.api.urls")),
    path("", include("tenant_apps.ledger.api.urls")),
    path("", include("tenant_apps.collections.api.urls")),
    path("", include("tenant_apps.prepaid.api.urls")),
    path("", include("tenant_apps.provisioning.api.urls")),
    path("", include("tenant_apps.reports.api.urls")),
]
