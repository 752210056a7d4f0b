from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("tenant_apps.parameters.api.urls")),
    path("", include("shared_apps.audit.api_urls")),
    path("", include("shared_apps.access.api.company_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="company-api-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="company-api-schema"),
        name="company-api-docs",
    ),
]
