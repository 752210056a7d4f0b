from django.urls import path

from .views import BranchListApi, CompanyDetailApi, CompanyListApi, OperatorListApi

urlpatterns = [
    path("operators/", OperatorListApi.as_view(), name="api-operators"),
    path("companies/", CompanyListApi.as_view(), name="api-companies"),
    path("companies/<int:pk>/", CompanyDetailApi.as_view(), name="api-company-detail"),
    path("branches/", BranchListApi.as_view(), name="api-branches"),
]
