from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..filtersets import CityFilter, ZoneFilter
from ..selectors import city_list, zone_list
from ..services import city_create, city_update, zone_create, zone_update
from .serializers import CityInput, CityOutput, ZoneInput, ZoneOutput

PERMISSIONS = {"read": "customers.view", "write": "catalog.manage"}


class CityListApi(generics.ListAPIView):
    """Cities (filter: state; ?search= name). POST creates one."""

    required_functions = PERMISSIONS
    serializer_class = CityOutput
    filterset_class = CityFilter
    ordering_fields = ["name", "state"]
    search_fields = ["name"]

    def get_queryset(self):
        return city_list()

    @extend_schema(request=CityInput, responses={201: CityOutput})
    def post(self, request):
        serializer = CityInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = city_create(actor=Actor.from_request(request), data=serializer.validated_data)
        return Response(CityOutput(city_list().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)


class CityDetailApi(APIView):
    required_functions = PERMISSIONS

    def _get(self, pk):
        row = city_list().filter(pk=pk).first()
        if row is None:
            raise Http404
        return row

    @extend_schema(responses=CityOutput)
    def get(self, request, pk):
        return Response(CityOutput(self._get(pk)).data)

    @extend_schema(request=CityInput, responses=CityOutput)
    def patch(self, request, pk):
        row = self._get(pk)
        serializer = CityInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        city_update(actor=Actor.from_request(request), city=row, data=serializer.validated_data)
        return Response(CityOutput(self._get(pk)).data)


class ZoneListApi(generics.ListAPIView):
    """Zones and the technologies each covers (filters: city, technology). POST creates one."""

    required_functions = PERMISSIONS
    serializer_class = ZoneOutput
    filterset_class = ZoneFilter
    ordering_fields = ["name"]
    search_fields = ["name", "city__name"]

    def get_queryset(self):
        return zone_list()

    @extend_schema(request=ZoneInput, responses={201: ZoneOutput})
    def post(self, request):
        serializer = ZoneInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = zone_create(actor=Actor.from_request(request), data=serializer.validated_data)
        return Response(ZoneOutput(row).data, status=status.HTTP_201_CREATED)


class ZoneDetailApi(APIView):
    required_functions = PERMISSIONS

    def _get(self, pk):
        row = zone_list().filter(pk=pk).first()
        if row is None:
            raise Http404
        return row

    @extend_schema(responses=ZoneOutput)
    def get(self, request, pk):
        return Response(ZoneOutput(self._get(pk)).data)

    @extend_schema(request=ZoneInput, responses=ZoneOutput)
    def patch(self, request, pk):
        """Change the fields given; ``technologies`` replaces the zone's whole list."""
        row = self._get(pk)
        serializer = ZoneInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = zone_update(
            actor=Actor.from_request(request), zone=row, data=serializer.validated_data
        )
        return Response(ZoneOutput(row).data)
