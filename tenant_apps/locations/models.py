"""Cities and their zones (neighbourhoods), and which access technologies each zone covers."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalog.choices import Technology


class City(models.Model):
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(
        _("state"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{2,3}$", _("Use the state's 2- or 3-letter code."))],
    )
    code = models.CharField(
        _("official code"), max_length=12, blank=True, help_text=_("E.g. the IBGE city code.")
    )

    class Meta:
        ordering = ["name", "state"]
        constraints = [
            models.UniqueConstraint(fields=["name", "state"], name="locations_city_unique")
        ]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return f"{self.name}/{self.state}"


class Zone(models.Model):
    """A neighbourhood or service zone of a city; coverage is declared per zone."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="zones", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=100)
    technologies = ArrayField(
        models.CharField(max_length=12, choices=Technology.choices),
        default=list,
        blank=True,
        verbose_name=_("technologies covered"),
    )

    class Meta:
        ordering = ["city__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="locations_zone_unique")
        ]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    def covers(self, technology: str) -> bool:
        return technology in self.technologies
