from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be created")
    CREATING = "creating", _("Being created")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Creation failed")


class RouteKind(models.TextChoices):
    SUBFOLDER = "subfolder", _("Path /c/<route>/")
    HOSTNAME = "hostname", _("Own hostname")
