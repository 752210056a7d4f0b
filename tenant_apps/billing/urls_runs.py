from django.urls import path

from . import views_runs as v

urlpatterns = [
    path("runs/", v.RunListView.as_view(), name="billing-runs"),
    path("runs/preview/", v.RunPreviewView.as_view(), name="billing-run-preview"),
    path("runs/previews/<int:pk>/", v.PreviewDetailView.as_view(), name="billing-preview-detail"),
    path(
        "runs/previews/<int:pk>/progress/",
        v.PreviewProgressView.as_view(),
        name="billing-preview-progress",
    ),
    path("runs/<int:pk>/", v.RunDetailView.as_view(), name="billing-run-detail"),
    path("runs/<int:pk>/progress/", v.RunProgressView.as_view(), name="billing-run-progress"),
    path("runs/<int:pk>/resume/", v.RunResumeView.as_view(), name="billing-run-resume"),
]
