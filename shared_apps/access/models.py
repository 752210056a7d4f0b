"""Memberships, access profiles and partner API keys (public schema)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import functions as fn


def validate_function_codes(value: list[str]) -> None:
    unknown = sorted(set(value) - fn.ALL)
    if unknown:
        raise ValidationError(
            _("Unknown functions: %(codes)s"),
            params={"codes": ", ".join(unknown)},
            code="unknown_function",
        )


class AccessProfile(models.Model):
    """A named set of functions. Company profiles are edited per company; profiles without a
    company belong to the operator and serve central memberships."""

    operator = models.ForeignKey(
        "tenants.Operator",
        on_delete=models.CASCADE,
        related_name="profiles",
        verbose_name=_("operator"),
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.CASCADE,
        related_name="profiles",
        null=True,
        blank=True,
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=80)
    functions = ArrayField(
        models.CharField(max_length=64),
        default=list,
        blank=True,
        validators=[validate_function_codes],
        verbose_name=_("functions"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("access profile")
        verbose_name_plural = _("access profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "company", "name"],
                name="access_profile_unique_name",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Grants a user a company (company set) or the central view of an operator (no company)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    operator = models.ForeignKey(
        "tenants.Operator",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("operator"),
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("company"),
    )
    profiles = models.ManyToManyField(
        AccessProfile, related_name="memberships", verbose_name=_("access profiles")
    )
    branches = models.ManyToManyField(
        "org.Branch", related_name="memberships", blank=True, verbose_name=_("branches")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "operator", "company"],
                name="access_membership_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company or self.operator}"

    @property
    def is_central(self) -> bool:
        return self.company_id is None


class PartnerApiKey(models.Model):
    """A partner's credential, scoped to one operator and optionally one company and branch."""

    operator = models.ForeignKey(
        "tenants.Operator",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("operator"),
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.CASCADE,
        related_name="api_keys",
        null=True,
        blank=True,
        verbose_name=_("company"),
    )
    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.SET_NULL,
        related_name="api_keys",
        null=True,
        blank=True,
        verbose_name=_("branch for writes"),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    profiles = models.ManyToManyField(
        AccessProfile, related_name="api_keys", verbose_name=_("access profiles")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
