from rest_framework import serializers

from shared_apps.org.models import Branch

from .. import functions as fn
from ..models import AccessProfile, PartnerApiKey


class BranchBrief(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name", "kind"]


class PositionOption(serializers.Serializer):
    operator_id = serializers.IntegerField(source="operator.pk")
    operator = serializers.CharField(source="operator.name")
    company_id = serializers.IntegerField(source="company.pk", allow_null=True, default=None)
    company = serializers.CharField(source="company.name", allow_null=True, default=None)
    company_url = serializers.SerializerMethodField()
    branches = BranchBrief(many=True)

    def get_company_url(self, obj) -> str | None:
        return obj["company"].get_absolute_url() if obj["company"] else None


class PositionInput(serializers.Serializer):
    company = serializers.IntegerField(required=False, allow_null=True)
    branch = serializers.IntegerField(required=False, allow_null=True)
    operator = serializers.IntegerField(required=False, allow_null=True)


class ProfileOutput(serializers.ModelSerializer):
    class Meta:
        model = AccessProfile
        fields = ["id", "name", "functions", "updated_at"]


class ProfileInput(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    functions = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(fn.ALL)), allow_empty=True
    )


class ApiKeyOutput(serializers.ModelSerializer):
    profiles = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = PartnerApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "operator",
            "company",
            "branch",
            "profiles",
            "is_active",
            "created_at",
            "last_used_at",
        ]


class ApiKeyInput(serializers.Serializer):
    operator = serializers.IntegerField()
    name = serializers.CharField(max_length=80)
    company = serializers.IntegerField(required=False, allow_null=True)
    branch = serializers.IntegerField(required=False, allow_null=True)
    profiles = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
