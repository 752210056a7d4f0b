from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor
from shared_apps.org.models import Branch
from tenants.models import Company, Operator

from ..context import SESSION_BRANCH, SESSION_COMPANY, SESSION_OPERATOR
from ..models import AccessProfile
from ..selectors import company_profiles, operator_api_keys, operator_memberships
from ..services import (
    api_key_create,
    member_add,
    position_options,
    position_set,
    profile_save,
)
from .permissions import access_for
from .serializers import (
    ApiKeyInput,
    ApiKeyOutput,
    MembershipInput,
    MembershipOutput,
    PositionInput,
    PositionOption,
    ProfileInput,
    ProfileOutput,
)


class MeApi(APIView):
    """The authenticated principal, its position and where it may position itself."""

    @extend_schema(responses=dict)
    def get(self, request):
        ctx = access_for(request)
        if ctx.api_key is not None:
            key = ctx.api_key
            return Response(
                {
                    "kind": "api_key",
                    "name": key.name,
                    "operator": key.operator_id,
                    "company": key.company_id,
                    "branch": key.branch_id,
                }
            )
        return Response(
            {
                "kind": "user",
                "username": request.user.username,
                "full_name": request.user.full_name,
                "position": {
                    "operator": request.session.get(SESSION_OPERATOR),
                    "company": request.session.get(SESSION_COMPANY),
                    "branch": request.session.get(SESSION_BRANCH),
                },
                "central_functions": {str(k): sorted(v) for k, v in ctx.operator_functions.items()},
                "options": PositionOption(position_options(request.user), many=True).data,
            }
        )


class PositionApi(APIView):
    """Position the session user in a company and branch, or in an operator's central view."""

    @extend_schema(request=PositionInput, responses=dict)
    def post(self, request):
        if access_for(request).api_key is not None:
            return Response(
                {
                    "code": "not_for_api_keys",
                    "detail": _("API keys are positioned by their own branch."),
                    "fields": {},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = PositionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position_set(
            session=request.session,
            user=request.user,
            company_id=data.get("company"),
            branch_id=data.get("branch"),
            operator_id=data.get("operator"),
        )
        return Response(
            {
                "operator": request.session.get(SESSION_OPERATOR),
                "company": request.session.get(SESSION_COMPANY),
                "branch": request.session.get(SESSION_BRANCH),
            }
        )


class ProfileListApi(APIView):
    """Access profiles of this company."""

    required_function = "profiles.manage"

    @extend_schema(responses=ProfileOutput(many=True))
    def get(self, request):
        return Response(ProfileOutput(company_profiles(company=request.company), many=True).data)

    @extend_schema(request=ProfileInput, responses=ProfileOutput)
    def post(self, request):
        serializer = ProfileInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = profile_save(
            actor=Actor.from_request(request),
            operator=request.company.operator,
            company=request.company,
            **serializer.validated_data,
        )
        return Response(ProfileOutput(profile).data, status=status.HTTP_201_CREATED)


class ProfileDetailApi(APIView):
    required_function = "profiles.manage"

    def _get(self, request, pk):
        return get_object_or_404(AccessProfile, pk=pk, company=request.company)

    @extend_schema(responses=ProfileOutput)
    def get(self, request, pk):
        return Response(ProfileOutput(self._get(request, pk)).data)

    @extend_schema(request=ProfileInput, responses=ProfileOutput)
    def put(self, request, pk):
        profile = self._get(request, pk)
        serializer = ProfileInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = profile_save(
            actor=Actor.from_request(request),
            operator=request.company.operator,
            company=request.company,
            profile=profile,
            **serializer.validated_data,
        )
        return Response(ProfileOutput(profile).data)


class ApiKeyListApi(APIView):
    """Partner API keys of the operators the principal administers. The secret is returned once,
    on creation."""

    @extend_schema(responses=ApiKeyOutput(many=True))
    def get(self, request):
        ctx = access_for(request)
        managed = [op for op, c in ctx.operator_functions.items() if "operator.manage" in c]
        return Response(ApiKeyOutput(operator_api_keys(operator_ids=managed), many=True).data)

    @extend_schema(request=ApiKeyInput, responses=dict)
    def post(self, request):
        serializer = ApiKeyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ctx = access_for(request)
        ctx.check("operator.manage", operator=data["operator"])
        operator = get_object_or_404(Operator, pk=data["operator"])
        company = (
            get_object_or_404(Company, pk=data["company"], operator=operator)
            if data.get("company")
            else None
        )
        branch = get_object_or_404(Branch, pk=data["branch"]) if data.get("branch") else None
        profiles = list(AccessProfile.objects.filter(pk__in=data["profiles"], operator=operator))
        if len(profiles) != len(set(data["profiles"])):
            raise ValidationError({"profiles": _("Unknown profiles for this operator.")})
        key, secret = api_key_create(
            actor=Actor.from_request(request),
            operator=operator,
            name=data["name"],
            profiles=profiles,
            company=company,
            branch=branch,
        )
        return Response({**ApiKeyOutput(key).data, "key": secret}, status=status.HTTP_201_CREATED)


class MembershipListApi(APIView):
    """Memberships of an operator (``?operator=<id>``): who may use which company, with which
    profiles and branches. POST grants one, creating the user when a user name is given."""

    @extend_schema(responses=MembershipOutput(many=True))
    def get(self, request):
        ctx = access_for(request)
        try:
            operator_id = int(request.query_params.get("operator", ""))
        except ValueError:
            managed = [op for op, c in ctx.operator_functions.items() if "operator.manage" in c]
            operator_id = managed[0] if managed else 0
        ctx.check("operator.manage", operator=operator_id)
        return Response(
            MembershipOutput(operator_memberships(operator_id=operator_id), many=True).data
        )

    @extend_schema(request=MembershipInput, responses=MembershipOutput)
    def post(self, request):
        serializer = MembershipInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access_for(request).check("operator.manage", operator=data["operator"])
        membership = member_add(
            actor=Actor.from_request(request),
            operator_id=data["operator"],
            company_id=data.get("company"),
            profile_ids=data["profiles"],
            branch_ids=data["branches"],
            user_id=data.get("user"),
            username=data.get("username"),
            password=data.get("password"),
            full_name=data.get("full_name", ""),
        )
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)


class MembershipDetailApi(APIView):
    """Revoke a membership (operator administrators of its operator)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        from ..models import Membership
        from ..services import membership_revoke

        membership = get_object_or_404(Membership, pk=pk)
        if not access_for(request).can("operator.manage", operator=membership.operator_id):
            raise Http404
        membership_revoke(actor=Actor.from_request(request), membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
