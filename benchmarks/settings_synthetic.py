"""benchmarks.settings plus a synthetic tenant app (benchmarks.synthetic) of N generated
tables/migrations, to see how company creation scales with the size of the company schema.
Used by benchmarks/schema_size.py only, with a database of its own."""

from .settings import *  # noqa: F403
from .settings import SHARED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "benchmarks.synthetic"]
INSTALLED_APPS = list(SHARED_APPS) + [a for a in TENANT_APPS if a not in SHARED_APPS]
