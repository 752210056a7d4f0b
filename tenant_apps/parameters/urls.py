from django.urls import path

from .views import ParametersView, SeriesView

urlpatterns = [
    path("", ParametersView.as_view(), name="parameters"),
    path("series/<str:kind>/", SeriesView.as_view(), name="series-edit"),
]
