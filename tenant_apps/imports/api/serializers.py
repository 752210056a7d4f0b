from rest_framework import serializers

from ..models import ImportJob
from ..selectors import LIST_FIELDS


class ImportJobOutput(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ImportJob
        fields = [*LIST_FIELDS, "status_display"]


class ImportErrorOutput(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobDetailOutput(ImportJobOutput):
    errors = ImportErrorOutput(many=True, read_only=True)

    class Meta(ImportJobOutput.Meta):
        fields = [*ImportJobOutput.Meta.fields, "errors"]


class CustomerImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file (layout on the import page).")
