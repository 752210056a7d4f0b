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


class MembershipOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    profiles = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        from ..models import Membership

        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "operator",
            "company",
            "profiles",
            "branches",
            "is_active",
            "created_at",
        ]


class MembershipInput(serializers.Serializer):
    """Grant an existing user (``user``) or a new one (``username`` + ``password``)."""

    user = serializers.IntegerField(required=False)
    username = serializers.CharField(max_length=150, required=False)
    password = serializers.CharField(max_length=128, required=False, write_only=True)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    operator = serializers.IntegerField()
    company = serializers.IntegerField(required=False, allow_null=True)
    profiles = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    branches = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    def validate(self, data):
        from django.utils.translation import gettext as _

        if not data.get("user") and not (data.get("username") and data.get("password")):
            raise serializers.ValidationError(
                {"username": _("Give an existing user, or a user name and a password.")}
            )
        return data
