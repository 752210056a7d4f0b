"""The configuration package (the design card's "platform"; see README)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
