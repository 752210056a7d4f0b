from django_filters import rest_framework as filters

from .choices import DeviceKind, ProductRole, System, Technology
from .models import DeviceModel, Product


class DeviceModelFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=DeviceKind.choices)

    class Meta:
        model = DeviceModel
        fields = ["kind", "serialised", "is_active"]


class ProductFilter(filters.FilterSet):
    system = filters.ChoiceFilter(choices=System.choices)
    role = filters.ChoiceFilter(choices=ProductRole.choices)
    technology = filters.ChoiceFilter(choices=Technology.choices)

    class Meta:
        model = Product
        fields = ["system", "role", "technology", "is_active"]
