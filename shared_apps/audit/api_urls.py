from django.urls import path
from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from .models import AuditEvent


class AuditEventOutput(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_label",
            "actor_user_id",
            "actor_api_key_id",
            "branch_id",
            "branch_label",
            "ip_address",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        ]


class AuditEventFilter(filters.FilterSet):
    since = filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor_user_id"]


class AuditEventListApi(generics.ListAPIView):
    """The company's audit trail, newest first. Filters: action, object_type, object_id,
    actor_user_id, since, until."""

    required_function = "audit.view"
    serializer_class = AuditEventOutput
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.all()
    ordering_fields = ["at", "id"]


urlpatterns = [path("audit-events/", AuditEventListApi.as_view(), name="api-audit-events")]
