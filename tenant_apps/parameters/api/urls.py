from django.urls import path

from .views import ParametersApi, SeriesDetailApi, SeriesListApi

urlpatterns = [
    path("parameters/", ParametersApi.as_view(), name="api-parameters"),
    path("document-series/", SeriesListApi.as_view(), name="api-series"),
    path("document-series/<str:kind>/", SeriesDetailApi.as_view(), name="api-series-detail"),
]
