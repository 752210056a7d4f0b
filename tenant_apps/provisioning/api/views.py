"""Provisioning commands API: the outbox of commands (suspend, resume...) per service, read
with ``customers.view`` (filters: status, action, customer)."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView

from ..models import Command
from ..selectors import commands_for
from .serializers import CommandListQuery, CommandOutput


class CommandListApi(GenericAPIView):
    """Provisioning commands, newest first (filters: status, action, customer)."""

    queryset = Command.objects.none()  # for the OpenAPI document only
    required_function = "customers.view"

    @extend_schema(parameters=[CommandListQuery], responses=CommandOutput(many=True))
    def get(self, request):
        params = CommandListQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        v = params.validated_data
        rows = commands_for(
            customer_id=v.get("customer"), status=v.get("status", ""), action=v.get("action", "")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CommandOutput(page, many=True).data)
