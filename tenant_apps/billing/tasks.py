"""Billing's Celery tasks (names start with ``billing.``: they run on the billing queue). The
run's tasks live in ``tasks_runs``, the documents' (PDFs) in ``tasks_documents``; importing them
here is what registers them (Celery autodiscovers ``tasks`` modules)."""

from .tasks_documents import *  # noqa: F403
from .tasks_runs import *  # noqa: F403
