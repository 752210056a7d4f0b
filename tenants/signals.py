"""Drop cached routes in this process when a company or route changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import routing
from .models import Company, Operator, Route


@receiver([post_save, post_delete], sender=Company)
@receiver([post_save, post_delete], sender=Route)
@receiver([post_save, post_delete], sender=Operator)
def _forget_routes(**kwargs) -> None:
    routing.forget_routes()
