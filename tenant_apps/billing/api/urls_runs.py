from django.urls import path

from .runs import PreviewDetailApi, PreviewListApi, RunDetailApi, RunListApi, RunResumeApi

urlpatterns = [
    path("billing-runs/", RunListApi.as_view(), name="api-billing-runs"),
    path("billing-previews/", PreviewListApi.as_view(), name="api-billing-previews"),
    path(
        "billing-previews/<int:pk>/", PreviewDetailApi.as_view(), name="api-billing-preview-detail"
    ),
    path("billing-runs/<int:pk>/", RunDetailApi.as_view(), name="api-billing-run-detail"),
    path("billing-runs/<int:pk>/resume/", RunResumeApi.as_view(), name="api-billing-run-resume"),
]
