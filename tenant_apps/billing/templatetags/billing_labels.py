"""Labels of billing's stored codes for the pages: ``{{ code|system_label }}``."""

from django import template
from django.utils.translation import gettext as _

from tenant_apps.catalog.choices import System

register = template.Library()


@register.filter
def system_label(code: str) -> str:
    """A service system's name in the user's language ("Other" for lines of no system, the
    code itself for one no longer known)."""
    if not code:
        return _("Other")
    try:
        return str(System(code).label)
    except ValueError:
        return code
