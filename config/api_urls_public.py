from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("shared_apps.access.api.urls")),
    path("", include("tenants.api.urls")),
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_openapi"), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
