"""One OpenAPI document for partners: the public API and the company API under /c/{route}/."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("config.api_urls_public")),
    path("c/<slug:route>/api/v1/", include("config.api_urls_company")),
]
