"""Platform and operator administration API (public schema)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.access.api.permissions import access_for
from shared_apps.audit.actor import Actor
from shared_apps.org.models import Branch

from .. import services
from ..models import Company, Operator
from .serializers import (
    BranchInput,
    BranchOutput,
    CompanyCreateInput,
    CompanyOutput,
    OperatorInput,
    OperatorOutput,
)


def _managed_operator_ids(request) -> list[int]:
    ctx = access_for(request)
    return [op for op, codes in ctx.operator_functions.items() if "operator.manage" in codes]


class OperatorListApi(APIView):
    """Operators (platform administrators only). POST creates one with its first company; the
    company's schema is created by a task: follow its status at /api/v1/companies/<id>/."""

    def _require_platform_admin(self, request):
        if not getattr(request.user, "is_superuser", False):
            raise Http404

    @extend_schema(responses=OperatorOutput(many=True))
    def get(self, request):
        self._require_platform_admin(request)
        return Response(
            OperatorOutput(Operator.objects.prefetch_related("companies"), many=True).data
        )

    @extend_schema(request=OperatorInput, responses=OperatorOutput)
    def post(self, request):
        self._require_platform_admin(request)
        serializer = OperatorInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        operator, _company = services.operator_create(
            actor=Actor.from_request(request),
            name=data["name"],
            slug=data["slug"],
            first_company=services.CompanyInput(**data["first_company"]),
        )
        return Response(OperatorOutput(operator).data, status=status.HTTP_202_ACCEPTED)


class CompanyListApi(APIView):
    """Companies of the operators the principal administers. POST answers 202: the company is
    created by a task whose progress shows in its status and progress fields."""

    @extend_schema(responses=CompanyOutput(many=True))
    def get(self, request):
        companies = Company.objects.filter(operator_id__in=_managed_operator_ids(request))
        return Response(CompanyOutput(companies, many=True).data)

    @extend_schema(request=CompanyCreateInput, responses=CompanyOutput)
    def post(self, request):
        serializer = CompanyCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        operator_id = data.pop("operator")
        access_for(request).check("operator.manage", operator=operator_id)
        operator = get_object_or_404(Operator, pk=operator_id, is_active=True)
        company = services.company_create(
            actor=Actor.from_request(request), operator=operator, data=services.CompanyInput(**data)
        )
        company.refresh_from_db()
        return Response(CompanyOutput(company).data, status=status.HTTP_202_ACCEPTED)


class CompanyDetailApi(APIView):
    @extend_schema(responses=CompanyOutput)
    def get(self, request, pk):
        ctx = access_for(request)
        company = get_object_or_404(Company, pk=pk)
        if not (
            getattr(request.user, "is_superuser", False)
            or ctx.can("operator.manage", operator=company.operator_id)
        ):
            raise Http404
        return Response(CompanyOutput(company).data)


class BranchListApi(APIView):
    """Branches of the administered operators' companies; filter with ?company=<id>."""

    @extend_schema(responses=BranchOutput(many=True))
    def get(self, request):
        qs = Branch.objects.filter(company__operator_id__in=_managed_operator_ids(request))
        if request.query_params.get("company"):
            qs = qs.filter(company_id=request.query_params["company"])
        return Response(BranchOutput(qs.order_by("company_id", "code"), many=True).data)

    @extend_schema(request=BranchInput, responses=BranchOutput)
    def post(self, request):
        serializer = BranchInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        company = get_object_or_404(Company, pk=data.pop("company"))
        if not access_for(request).can("operator.manage", operator=company.operator_id):
            raise Http404
        branch = services.branch_create(actor=Actor.from_request(request), company=company, **data)
        return Response(BranchOutput(branch).data, status=status.HTTP_201_CREATED)
