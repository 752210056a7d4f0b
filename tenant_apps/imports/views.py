from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors

from .forms import CustomerImportForm
from .layout import COLUMNS, example_csv
from .models import ImportJob
from .selectors import import_job_get, import_job_list
from .services import customer_import_enqueue

ERRORS_SHOWN = 500


class CustomerImportView(FunctionRequiredMixin, View):
    """The import page: upload form, the file layout, the jobs with their status."""

    function = "customers.import"

    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "columns": COLUMNS,
            "example": example_csv(),
            "jobs": import_job_list()[:50],
        }
        return render(request, "imports/customer_import.html", context, status=status)

    def get(self, request):
        return self._render(request, CustomerImportForm())

    def post(self, request):
        form = CustomerImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = customer_import_enqueue(
                    actor=Actor.from_request(request), file_name=upload.name, content=upload.read()
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("File received; the import runs in the background."))
                return redirect("customer-import-job", job_id=job.pk)
        return self._render(request, form, status=400)


def _job_or_404(job_id: int) -> ImportJob:
    try:
        return import_job_get(job_id=job_id)
    except ImportJob.DoesNotExist:
        raise Http404 from None


class ImportJobView(FunctionRequiredMixin, View):
    """One job: status and counts (polled while it runs) and its errors."""

    function = "customers.import"
    template_name = "imports/job.html"

    def get(self, request, job_id: int):
        job = _job_or_404(job_id)
        context = {"job": job, "errors": job.errors[:ERRORS_SHOWN], "errors_shown": ERRORS_SHOWN}
        return render(request, self.template_name, context)


class ImportJobStatusView(ImportJobView):
    """The htmx partial of a job's status."""

    template_name = "imports/_job_status.html"
