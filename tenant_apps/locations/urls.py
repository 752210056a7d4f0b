from django.urls import path

from .views import CityCreateView, CityEditView, LocationsView, ZoneCreateView, ZoneEditView

urlpatterns = [
    path("", LocationsView.as_view(), name="locations"),
    path("cities/new/", CityCreateView.as_view(), name="locations-city-create"),
    path("cities/<int:pk>/", CityEditView.as_view(), name="locations-city-edit"),
    path("zones/new/", ZoneCreateView.as_view(), name="locations-zone-create"),
    path("zones/<int:pk>/", ZoneEditView.as_view(), name="locations-zone-edit"),
]
