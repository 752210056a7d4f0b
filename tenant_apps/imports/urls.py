from django.urls import path

from .views import CustomerImportView, ImportJobStatusView, ImportJobView

urlpatterns = [
    path("", CustomerImportView.as_view(), name="customer-import"),
    path("<int:job_id>/", ImportJobView.as_view(), name="customer-import-job"),
    path("<int:job_id>/status/", ImportJobStatusView.as_view(), name="customer-import-status"),
]
