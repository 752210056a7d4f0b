from django.db import models
from django.utils.translation import gettext_lazy as _


class BranchKind(models.TextChoices):
    SERVICE = "service", _("Customer service")
    TECHNICAL = "technical", _("Technical")
