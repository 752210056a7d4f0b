"""Audit events. The table exists in the public schema (platform changes) and in every company
schema (that company's changes): an event is written in the schema where the change happened."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_api_key_id = models.BigIntegerField(_("API key id"), null=True, blank=True)
    actor_label = models.CharField(_("who"), max_length=150)
    operator_id = models.BigIntegerField(_("operator id"), null=True, blank=True)
    company_id = models.BigIntegerField(_("company id"), null=True, blank=True)
    branch_id = models.BigIntegerField(_("branch id"), null=True, blank=True)
    branch_label = models.CharField(_("position"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_event_object"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
