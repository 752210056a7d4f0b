from django.urls import path

from . import views as v

urlpatterns = [
    path("reports/billing/", v.BillingReportApi.as_view(), name="api-report-billing"),
    path("reports/collections/", v.CollectionsReportApi.as_view(), name="api-report-collections"),
    path("reports/ageing/", v.AgeingReportApi.as_view(), name="api-report-ageing"),
]
