from rest_framework import serializers

from shared_apps.org.choices import BranchKind
from shared_apps.org.models import Branch

from ..models import Company, Operator, slug_validator


class CompanyOutput(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Company
        fields = [
            "id",
            "operator",
            "name",
            "slug",
            "legal_name",
            "tax_id",
            "schema_name",
            "status",
            "progress",
            "status_message",
            "is_active",
            "created_at",
            "ready_at",
            "url",
        ]


class CompanyInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=41, validators=[slug_validator])
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tax_id = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class CompanyCreateInput(CompanyInput):
    operator = serializers.IntegerField()


class OperatorOutput(serializers.ModelSerializer):
    companies = CompanyOutput(many=True, read_only=True)

    class Meta:
        model = Operator
        fields = ["id", "name", "slug", "is_active", "created_at", "companies"]


class OperatorInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=41, validators=[slug_validator])
    first_company = CompanyInput()


class BranchOutput(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "company", "code", "name", "kind", "city", "is_active"]


class BranchInput(serializers.Serializer):
    company = serializers.IntegerField()
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=BranchKind.choices)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
