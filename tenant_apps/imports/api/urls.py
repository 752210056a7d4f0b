from django.urls import path

from .views import CustomerImportApi, ImportJobDetailApi, ImportJobListApi

urlpatterns = [
    path("imports/", ImportJobListApi.as_view(), name="api-imports"),
    path("imports/customers/", CustomerImportApi.as_view(), name="api-import-customers"),
    path("imports/<int:job_id>/", ImportJobDetailApi.as_view(), name="api-import-detail"),
]
