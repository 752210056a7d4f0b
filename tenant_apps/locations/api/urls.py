from django.urls import path

from .views import CityDetailApi, CityListApi, ZoneDetailApi, ZoneListApi

urlpatterns = [
    path("cities/", CityListApi.as_view(), name="api-cities"),
    path("cities/<int:pk>/", CityDetailApi.as_view(), name="api-city-detail"),
    path("zones/", ZoneListApi.as_view(), name="api-zones"),
    path("zones/<int:pk>/", ZoneDetailApi.as_view(), name="api-zone-detail"),
]
