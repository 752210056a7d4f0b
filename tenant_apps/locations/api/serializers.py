from rest_framework import serializers

from tenant_apps.catalog.choices import Technology

from ..models import City, Zone


class CityOutput(serializers.ModelSerializer):
    zone_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = City
        fields = ["id", "name", "state", "code", "zone_count"]


class CityInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=3)
    code = serializers.CharField(max_length=12, allow_blank=True, required=False)


class ZoneOutput(serializers.ModelSerializer):
    city_name = serializers.CharField(source="city.__str__", read_only=True)
    technologies = serializers.ListField(child=serializers.ChoiceField(Technology.choices))

    class Meta:
        model = Zone
        fields = ["id", "city", "city_name", "name", "technologies"]


class ZoneInput(serializers.Serializer):
    city = serializers.PrimaryKeyRelatedField(queryset=City.objects.all())
    name = serializers.CharField(max_length=100)
    technologies = serializers.ListField(
        child=serializers.ChoiceField(choices=Technology.choices), required=False
    )
