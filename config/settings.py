"""Settings for the Infant Leukemia Registry, read from the environment.

With no environment at all this runs on a laptop: SQLite next to the code, Celery eager, console e-mail.
With DATABASE_URL and REDIS_URL set it uses PostgreSQL, a Redis broker and real workers.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import envbool, envint, envlist, envnetworks, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------------------------
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY", "dev-only-insecure-key-change-me")
# Keyed hash of hospital numbers. Changing it breaks duplicate detection against earlier records.
REGISTRY_HMAC_KEY = envsecret("REGISTRY_HMAC_KEY", "dev-only-hmac-key-change-me")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = envstr("SITE_NAME", "Infant Leukemia Registry")
# Where people reach the site; e-mails link to it (no trailing slash).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "registry",
    "analytics",
    "analytics.studies",
    "quality",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (they say why a session ended), before any view.
    "registry.accounts.middleware.SessionTimeoutMiddleware",
    # A sign-in's answer carries the user's stored language in the language cookie.
    "registry.accounts.middleware.LanguagePreferenceMiddleware",
    "registry.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A bad ?labels= on an API address is a 400 before any view runs (a write would save first).
    "registry.api.middleware.ApiLabelsParameterMiddleware",
    # Django's empty 405 (a GET on a POST-only address) gets a page with a sentence and a way back.
    "registry.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Logs every 403, and every 404 on a route of the application (audit.AccessEvent).
    "audit.middleware.AccessRefusalMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Django's form renderer with its commonest widget and label templates written in Python (same markup, a fraction
# of the CPU: config/form_renderer.py).
FORM_RENDERER = "config.form_renderer.FormRenderer"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.registry",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------------------------
# Database: SQLite by default, anything dj-database-url understands with DATABASE_URL
# ---------------------------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------------------------
# Authentication: passwords, throttling (django-axes) and two-factor sign-in (django-otp)
# ---------------------------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username/address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Applied by the password change and reset forms as well as by createsuperuser.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated). Empty: the header
# is ignored and the client is the connecting address, so nobody can dodge the throttle by sending the header.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")

# Lock out a username from one client address after AXES_FAILURE_LIMIT wrong passwords in a row, for
# AXES_COOLOFF_MINUTES (0: until the data manager unlocks it on the sign-in lockouts page).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
_axes_cooloff_minutes = envint("AXES_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=_axes_cooloff_minutes) if _axes_cooloff_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "registry.accounts.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# A wrong current password on the password change form counts as a failed sign-in too: axes keeps the form's
# fields with the failure, so these are masked there like "password" (axes masks username and address too).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]

# Two-factor sign-in: required for the data manager, coordinators and staff (registry.accounts.policy), optional
# for everybody else. Not read from the environment on purpose: only the test settings turn enforcement off,
# and the deployment check refuses that.
TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", SITE_NAME)

# ---------------------------------------------------------------------------------------------------------------
# Sessions: an idle timeout and an absolute lifetime, both in seconds
# ---------------------------------------------------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60)
# The absolute lifetime of a sign-in: activity does not extend it.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True

# ---------------------------------------------------------------------------------------------------------------
# HTTPS and browser security. Off by default for the laptop; docker/.env.example turns everything on, and
# `manage.py check --deploy --fail-level WARNING` (docker/web.sh) refuses a deployment that forgets one.
# ---------------------------------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# The header a TLS-terminating proxy sets, e.g. X-Forwarded-Proto. Only set it when that proxy overwrites the
# header on every request: otherwise a client could claim HTTPS.
_proxy_ssl_header = envstr("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
X_FRAME_OPTIONS = "DENY"

# ---------------------------------------------------------------------------------------------------------------
# Internationalization
# ---------------------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# One catalog for the project's own strings (templates and code): locale/ru/LC_MESSAGES/django.po.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# ---------------------------------------------------------------------------------------------------------------
# Static files: served from the app itself (WhiteNoise), never from a CDN
# ---------------------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# ---------------------------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "registry@localhost")

# ---------------------------------------------------------------------------------------------------------------
# Cache and Celery: eager without REDIS_URL, a Redis broker with it
# ---------------------------------------------------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    # Fails open (config/cache.py): with Redis stopped the site keeps serving; connects give up after half a second.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it ends, not when a worker takes it: a worker killed mid-task leaves the message to
# be delivered again (README, "Workers that die"). A message no worker acknowledged within the visibility timeout
# is handed out again, so it outlasts the longest task (the quality sweep: 3300 s hard limit) plus its longest
# retry wait (600 s); tests/faults/test_visibility_timeout.py checks every task against it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 7200)}
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 1800)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 2100)
# A queued run sent this long ago that no worker has taken lost its message (Redis restarted without its data):
# it is sent again (analytics.runs.sending).
RUN_RESEND_AFTER_MINUTES = envint("RUN_RESEND_AFTER_MINUTES", 30)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# ---------------------------------------------------------------------------------------------------------------
# REST framework and OpenAPI
# ---------------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A personal token (hashed, with an expiry) or the browser's session. No HTTP Basic: a password alone
        # would get around two-factor sign-in.
        "registry.api.authentication.BearerTokenAuthentication",
        # The session's two-factor gate (registry.accounts.middleware) has run before any API view.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "registry.api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON everywhere; the import upload takes multipart (registry.api.imports), nothing else does.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "registry.api.throttling.TokenReadThrottle",
        "registry.api.throttling.TokenWriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_read": envstr("API_THROTTLE_READ", "1200/min"),
        "api_write": envstr("API_THROTTLE_WRITE", "240/min"),
    },
    "EXCEPTION_HANDLER": "registry.api.errors.api_exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": SITE_NAME + " API",
    "DESCRIPTION": (
        "Cases and their records, vocabularies, the data dictionary, data-quality findings and queries, imports, "
        "analysis plans and pooled runs, under the same rules as the web app. Authenticate with a personal token "
        "(`Authorization: Bearer ilr_...`) from your account page."
    ),
    "VERSION": "1",
    # Every list documents its 400 (a bad cursor, page_size or filter), after the enums are named.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api.pagination.document_bad_list_parameters",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    # Like every page of the registry, the schema and its pages need a signed-in user (session or token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and Redoc from the sidecar package's files: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a `kind` or a `status` with different choices: each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "registry.choices.EventKind",
        "SupportiveCareKindEnum": "registry.choices.SupportiveCareKind",
        "ImportJobStatusEnum": "registry.models.imports.ImportJob.Status",
        "RunStatusEnum": "analytics.runs.models.AnalysisRun.Status",
        "RunTriggerEnum": "analytics.runs.models.AnalysisRun.Trigger",
        "RunArtifactKindEnum": "analytics.runs.models.RunArtifact.Kind",
        "QueryStatusEnum": "quality.models.QueryStatus",
        "LineageEnum": "registry.choices.Lineage",
        "LanguageEnum": "analytics.runs.models.LANGUAGE_CHOICES",
    },
}

# ---------------------------------------------------------------------------------------------------------------
# History (audit trail)
# ---------------------------------------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# ---------------------------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_for_client_errors": {"()": "config.logging_filters.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_traceback_for_client_errors"]},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Django's own "django" logger prints to the console under DEBUG and propagates to the root too: every line
    # came out twice. Its records now reach the console once, through the root.
    "loggers": {"django": {"handlers": [], "level": envstr("LOG_LEVEL", "INFO"), "propagate": True}},
}
