from django_filters import rest_framework as filters

from tenant_apps.catalog.choices import Technology

from .models import City, Zone


class CityFilter(filters.FilterSet):
    class Meta:
        model = City
        fields = ["state"]


class ZoneFilter(filters.FilterSet):
    city = filters.ModelChoiceFilter(queryset=City.objects.all())
    technology = filters.ChoiceFilter(
        choices=Technology.choices, method="filter_technology", label="technology covered"
    )

    class Meta:
        model = Zone
        fields = ["city", "technology"]

    def filter_technology(self, queryset, name, value):
        return queryset.filter(technologies__contains=[value])
