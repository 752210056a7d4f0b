from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BranchKind


class Branch(models.Model):
    """A branch (filial) of a company: customer service or technical."""

    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("company"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=BranchKind.choices)
    city = models.CharField(_("city"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["company__name", "name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="org_branch_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
