"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# --- Tenancy ---------------------------------------------------------------------------------
# Public schema ("control"): the platform. Company schemas ("cells"): one per company.
SHARED_APPS = [
    # "tenants" first: its migrate_schemas overrides django-tenants' own.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.postgres",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "axes",
    "channels",
    "shared_apps.accounts",
    "shared_apps.org",
    "shared_apps.access",
    "shared_apps.audit",
    "shared_apps.web",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "shared_apps.audit",
    "tenant_apps.parameters",
    "tenant_apps.catalog",
    "tenant_apps.locations",
    "tenant_apps.customers",
    "tenant_apps.sales",
    "tenant_apps.ledger",
    "tenant_apps.imports",
    "tenant_apps.billing",
    "tenant_apps.collections",
    "tenant_apps.prepaid",
    "tenant_apps.provisioning",
    "tenant_apps.reports",
]
INSTALLED_APPS = list(SHARED_APPS) + [a for a in TENANT_APPS if a not in SHARED_APPS]

TENANT_MODEL = "tenants.Company"
TENANT_DOMAIN_MODEL = "tenants.Route"
PUBLIC_SCHEMA_NAME = "public"
# Companies are reached at /c/<route>/ (works on localhost with no DNS); an operator's own
# hostname may also be routed to a company (see tenants.routing).
TENANT_SUBFOLDER_PREFIX = "c"
# New companies are cloned from this template schema, kept migrated by migrate_schemas.
TENANT_BASE_SCHEMA = "company_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# SET search_path once per request/tenant switch, not before every cursor.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
TENANT_ROUTE_CACHE_SECONDS = env.int("TENANT_ROUTE_CACHE_SECONDS", default=30)

MIDDLEWARE = [
    "tenants.middleware.CompanyRouteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shared_apps.access.middleware.AccessMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls_company"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shared_apps.access.context_processors.access",
            ],
        },
    }
]

# --- Database, cache, broker -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///aleator")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Platform data the same in every schema (shared_apps.access.cache).
    "platform": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "platform",
    },
}
# What memberships grant, cached per user and company (0: off); any change invalidates it.
ACCESS_CACHE_SECONDS = env.int("ACCESS_CACHE_SECONDS", default=120)
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": env("CHANNELS_PREFIX", default="asgi")},
    }
}
# The port the browser opens WebSockets on (Daphne), on the page's own host name. Empty: the
# page's own port (production: the ingress sends /ws/ to Daphne).
WEBSOCKET_PORT = env("WEBSOCKET_PORT", default="")

# --- Celery -----------------------------------------------------------------------------------
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "billing.*": {"queue": "billing"},
    "provisioning.*": {"queue": "provisioning"},
}
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BEAT_SCHEDULE = {
    "platform-heartbeat": {"task": "tenants.heartbeat", "schedule": 60.0},
    "company-diagnostics": {
        "task": "tenants.dispatch_per_company",
        "schedule": 600.0,
        "args": ["tenants.company_diagnostics"],
    },
    # Each company's prepaid day is charged after its local midnight; the task knows the day
    # and charges it once, so running every 15 minutes (or twice) is safe.
    "prepaid-daily": {
        "task": "tenants.dispatch_per_company",
        "schedule": 900.0,
        "args": ["billing.prepaid_daily"],
    },
    # Overdue invoices, suspension after the grace days (idempotent per customer and day).
    "dunning-daily": {
        "task": "tenants.dispatch_per_company",
        "schedule": 3600.0,
        "args": ["billing.dunning_daily"],
    },
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A finished billing run queues the rendering of its invoices' PDFs (billing.render_pdfs).
BILLING_RENDER_PDFS_AFTER_RUN = env.bool("BILLING_RENDER_PDFS_AFTER_RUN", default=True)

# --- Auth and security ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a user name + address after 5 failures, for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- I18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", _("Portuguese (Brazil)")), ("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package.json, `npm ci`), never copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"),
]
# Documents the product writes (invoice PDFs), one folder per company schema; never served as
# static files: a view checks the reader's access before it sends one.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shared_apps.access.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shared_apps.access.api.permissions.HasFunction"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"api_key": "6000/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aleator Convergente API",
    "DESCRIPTION": "Partner and UI REST API. Company endpoints live under /c/<route>/api/v1/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/img/icon-192.png",
    # One named enum per choice set (fields called "kind" or "status" mean different things).
    "ENUM_NAME_OVERRIDES": {
        "BranchKindEnum": "shared_apps.org.choices.BranchKind",
        "CompanyStatusEnum": "tenants.choices.CompanyStatus",
        "RouteKindEnum": "tenants.choices.RouteKind",
        "ServiceSystemEnum": "tenant_apps.catalog.choices.System",
        "TechnologyEnum": "tenant_apps.catalog.choices.Technology",
        "ProductRoleEnum": "tenant_apps.catalog.choices.ProductRole",
        "DeviceKindEnum": "tenant_apps.catalog.choices.DeviceKind",
        "PlanKindEnum": "tenant_apps.sales.choices.PlanKind",
        "DiscountKindEnum": "tenant_apps.sales.choices.DiscountKind",
        "SubscriptionStatusEnum": "tenant_apps.sales.choices.SubscriptionStatus",
        "SaleKindEnum": "tenant_apps.sales.choices.SaleKind",
        "RequestKindEnum": "tenant_apps.sales.choices.RequestKind",
        "RequestStatusEnum": "tenant_apps.sales.choices.RequestStatus",
        "CancelReasonEnum": "tenant_apps.sales.choices.CancelReason",
        "CustomerKindEnum": "tenant_apps.customers.choices.CustomerKind",
        "CustomerTypeEnum": "tenant_apps.customers.choices.CustomerType",
        "CustomerStatusEnum": "tenant_apps.customers.choices.CustomerStatus",
        "ContactKindEnum": "tenant_apps.customers.choices.ContactKind",
        "GroupKindEnum": "tenant_apps.customers.choices.GroupKind",
        "ContactChannelEnum": "tenant_apps.customers.choices.ContactChannel",
        "CurrencyEnum": "tenant_apps.parameters.choices.Currency",
        "LocaleEnum": "tenant_apps.parameters.choices.Locale",
        "BillingTimingEnum": "tenant_apps.parameters.choices.BillingTiming",
        "SuspensionReasonEnum": "tenant_apps.sales.choices.SuspensionReason",
        "TaxModeEnum": "tenant_apps.billing.choices.TaxMode",
        "RunStatusEnum": "tenant_apps.billing.choices.RunStatus",
        "ChunkStatusEnum": "tenant_apps.billing.choices.ChunkStatus",
        "PayerKindEnum": "tenant_apps.billing.choices.PayerKind",
        "InvoiceKindEnum": "tenant_apps.billing.choices.InvoiceKind",
        "InvoiceStatusEnum": "tenant_apps.billing.choices.InvoiceStatus",
        "LineKindEnum": "tenant_apps.billing.choices.LineKind",
        "ChargeKindEnum": "tenant_apps.billing.choices.ChargeKind",
        "EnteredChargeKindEnum": "tenant_apps.billing.choices.ENTERED_CHARGE_KINDS",
        "ChargeSourceEnum": "tenant_apps.billing.choices.ChargeSource",
        "PaymentOriginEnum": "tenant_apps.collections.choices.PaymentOrigin",
        "PaymentStatusEnum": "tenant_apps.collections.choices.PaymentStatus",
        "ReturnLayoutEnum": "tenant_apps.collections.choices.ReturnLayout",
        "ReturnOutcomeEnum": "tenant_apps.collections.choices.ReturnOutcome",
        "ReturnStatusEnum": "tenant_apps.collections.choices.ReturnStatus",
        "DunningKindEnum": "tenant_apps.collections.choices.DunningKind",
        "WalletEntryKindEnum": "tenant_apps.prepaid.choices.WalletEntryKind",
        "CommandActionEnum": "tenant_apps.provisioning.choices.CommandAction",
        "CommandReasonEnum": "tenant_apps.provisioning.choices.CommandReason",
        "CommandStatusEnum": "tenant_apps.provisioning.choices.CommandStatus",
        "SeriesKindEnum": "tenant_apps.parameters.choices.SeriesKind",
        "EntryKindEnum": "tenant_apps.ledger.choices.EntryKind",
        "ImportKindEnum": "tenant_apps.imports.choices.ImportKind",
        "ImportStatusEnum": "tenant_apps.imports.choices.ImportStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint (and fontTools under it) log every step of every PDF at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
