from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocationsConfig(AppConfig):
    name = "tenant_apps.locations"
    label = "locations"
    verbose_name = _("Locations and coverage")
