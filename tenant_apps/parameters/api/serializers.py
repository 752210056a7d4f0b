from rest_framework import serializers

from ..models import CompanyParameters, DocumentSeries
from ..services import EDITABLE


class ParametersOutput(serializers.ModelSerializer):
    class Meta:
        model = CompanyParameters
        fields = [*EDITABLE, "updated_at"]


class ParametersInput(serializers.ModelSerializer):
    """Field types and choices are checked here; the model's full_clean checks the rest."""

    class Meta:
        model = CompanyParameters
        fields = EDITABLE


class SeriesOutput(serializers.ModelSerializer):
    next_document = serializers.SerializerMethodField()

    class Meta:
        model = DocumentSeries
        fields = ["kind", "prefix", "next_number", "padding", "next_document"]

    def get_next_document(self, obj) -> str:
        return obj.format(obj.next_number)


class SeriesInput(serializers.Serializer):
    prefix = serializers.CharField(max_length=12, allow_blank=True, required=False)
    next_number = serializers.IntegerField(min_value=1, required=False)
    padding = serializers.IntegerField(min_value=1, max_value=12, required=False)
