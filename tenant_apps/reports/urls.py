from django.urls import path

from . import views

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="reports"),
    path("billing/", views.BillingReportView.as_view(), name="report-billing"),
    path("collections/", views.CollectionsReportView.as_view(), name="report-collections"),
    path("ageing/", views.AgeingReportView.as_view(), name="report-ageing"),
    path(
        "customers/<int:customer_id>/statement/",
        views.CustomerStatementView.as_view(),
        name="customer-statement",
    ),
]
