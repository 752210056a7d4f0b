"""URLs of the public schema: login, positioning, central view, platform and operator admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("shared_apps.web.urls_public")),
    path("api/v1/", include("config.api_urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("django-admin/", admin.site.urls),
]
