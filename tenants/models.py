"""Public schema: operators (SaaS subscribers), their companies (one schema each), routes."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from .choices import CompanyStatus, RouteKind

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,40}$",
    _("Use 2 to 41 lower-case letters, digits or hyphens, starting with a letter."),
)


class Operator(models.Model):
    """A SaaS subscriber: a group of companies with a central view over them."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("code"), max_length=41, unique=True, validators=[slug_validator])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self) -> str:
        return self.name


class Company(TenantMixin):
    """One company of an operator; its data lives in its own PostgreSQL schema."""

    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="companies", verbose_name=_("operator")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("route"), max_length=41, unique=True, validators=[slug_validator])
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CompanyStatus.choices, default=CompanyStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status_message = models.CharField(_("status message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)

    # The schema is created by the company_provision task, which reports progress.
    auto_create_schema = False
    clone_mode = "DATA"

    class Meta:
        ordering = ["operator__name", "name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    @property
    def status_message_display(self) -> str:
        """The progress message (stored untranslated) in the reader's language."""
        from django.utils.translation import gettext

        return gettext(self.status_message) if self.status_message else ""

    @property
    def is_ready(self) -> bool:
        return self.status == CompanyStatus.READY

    def get_absolute_url(self) -> str:
        return f"/c/{self.slug}/"


class Route(DomainMixin):
    """How requests reach a company: /c/<route>/ on any host, or an operator's own hostname."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=RouteKind.choices, default=RouteKind.SUBFOLDER
    )

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self) -> str:
        return self.domain
