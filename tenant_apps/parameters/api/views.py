from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..models import CompanyParameters, DocumentSeries
from ..selectors import document_series_list
from ..services import parameters_update, series_update
from .serializers import ParametersInput, ParametersOutput, SeriesInput, SeriesOutput


class ParametersApi(APIView):
    """The company's parameters (P5). Writing needs a position in one of its branches."""

    required_function = "company.settings"

    @extend_schema(responses=ParametersOutput)
    def get(self, request):
        return Response(ParametersOutput(CompanyParameters.objects.first()).data)

    @extend_schema(request=ParametersInput, responses=ParametersOutput)
    def put(self, request):
        return self._write(request, partial=False)

    @extend_schema(request=ParametersInput, responses=ParametersOutput)
    def patch(self, request):
        return self._write(request, partial=True)

    def _write(self, request, *, partial):
        current = CompanyParameters.objects.first()
        serializer = ParametersInput(current, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        row = parameters_update(actor=Actor.from_request(request), data=serializer.validated_data)
        return Response(ParametersOutput(row).data)


class SeriesListApi(APIView):
    required_function = "company.settings"

    @extend_schema(responses=SeriesOutput(many=True))
    def get(self, request):
        return Response(SeriesOutput(document_series_list(), many=True).data)


class SeriesDetailApi(APIView):
    required_function = "company.settings"

    @extend_schema(request=SeriesInput, responses=SeriesOutput)
    def patch(self, request, kind):
        series = get_object_or_404(DocumentSeries, kind=kind)
        serializer = SeriesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = series_update(
            actor=Actor.from_request(request), series=series, data=serializer.validated_data
        )
        return Response(SeriesOutput(row).data)
