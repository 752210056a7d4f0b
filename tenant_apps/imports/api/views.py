from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.actor import Actor

from ..models import ImportJob
from ..selectors import import_job_get, import_job_list
from ..services import customer_import_enqueue
from .serializers import CustomerImportInput, ImportJobDetailOutput, ImportJobOutput


class CustomerImportApi(APIView):
    """Upload a customer migration file: the job is queued and validated/imported in the
    background; poll ``GET /imports/{id}/`` for its status and errors."""

    required_function = "customers.import"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=CustomerImportInput, responses={202: ImportJobOutput})
    def post(self, request):
        serializer = CustomerImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        job = customer_import_enqueue(
            actor=Actor.from_request(request), file_name=upload.name, content=upload.read()
        )
        job.refresh_from_db()
        return Response(ImportJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobListApi(generics.ListAPIView):
    required_function = "customers.import"
    serializer_class = ImportJobOutput
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return import_job_list()


class ImportJobDetailApi(APIView):
    required_function = "customers.import"

    @extend_schema(responses=ImportJobDetailOutput)
    def get(self, request, job_id: int):
        try:
            job = import_job_get(job_id=job_id)
        except ImportJob.DoesNotExist:
            from django.http import Http404

            raise Http404 from None
        return Response(ImportJobDetailOutput(job).data)
