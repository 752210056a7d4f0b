from django.urls import path

from .runs import RunDetailApi, RunListApi, RunPreviewApi, RunResumeApi

urlpatterns = [
    path("billing-runs/", RunListApi.as_view(), name="api-billing-runs"),
    path("billing-runs/preview/", RunPreviewApi.as_view(), name="api-billing-run-preview"),
    path("billing-runs/<int:pk>/", RunDetailApi.as_view(), name="api-billing-run-detail"),
    path("billing-runs/<int:pk>/resume/", RunResumeApi.as_view(), name="api-billing-run-resume"),
]
