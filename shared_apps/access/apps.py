from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "shared_apps.access"
    label = "access"
    verbose_name = _("Access profiles")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from shared_apps.org.models import Branch
        from tenants.models import Company, Operator

        from .cache import invalidate_on_change
        from .models import AccessProfile, Membership

        for model in (Membership, AccessProfile, Branch, Operator, Company, get_user_model()):
            post_save.connect(invalidate_on_change, sender=model, dispatch_uid=f"access-{model}")
            post_delete.connect(
                invalidate_on_change, sender=model, dispatch_uid=f"access-del-{model}"
            )
        for through in (Membership.profiles.through, Membership.branches.through):
            m2m_changed.connect(
                invalidate_on_change, sender=through, dispatch_uid=f"access-m2m-{through}"
            )
