from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CommandAction, CommandReason, CommandStatus


class Command(models.Model):
    """One command for one subscription's service. The idempotency key names its cause
    (``suspend:debt:<subscription>:<event>``...): asking twice records it once."""

    subscription = models.ForeignKey(
        "sales.Subscription", on_delete=models.PROTECT, related_name="provisioning_commands"
    )
    action = models.CharField(_("action"), max_length=10, choices=CommandAction.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=CommandReason.choices)
    system = models.CharField(_("system"), max_length=12, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CommandStatus.choices, default=CommandStatus.PENDING
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="provisioning_cmd_status"),
            models.Index(fields=["subscription", "created_at"], name="provisioning_cmd_sub"),
        ]
        verbose_name = _("provisioning command")
        verbose_name_plural = _("provisioning commands")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subscription_id}"
