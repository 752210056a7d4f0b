"""URLs of a company (mounted under /c/<route>/, or at the root of an operator's own host)."""

from django.urls import include, path

urlpatterns = [
    path("", include("shared_apps.web.urls_company")),
    path("settings/", include("tenant_apps.parameters.urls")),
    path("catalog/", include("tenant_apps.catalog.urls")),
    path("locations/", include("tenant_apps.locations.urls")),
    path("customers/", include("tenant_apps.customers.urls")),
    path("plans/", include("tenant_apps.sales.urls_plans")),
    path("sales/", include("tenant_apps.sales.urls")),
    path("imports/", include("tenant_apps.imports.urls")),
    path("billing/", include("tenant_apps.billing.urls")),
    path("collections/", include("tenant_apps.collections.urls")),
    path("prepaid/", include("tenant_apps.prepaid.urls")),
    path("provisioning/", include("tenant_apps.provisioning.urls")),
    path("reports/", include("tenant_apps.reports.urls")),
    path("api/v1/", include("config.api_urls_company")),
]
