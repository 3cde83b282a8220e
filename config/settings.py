"""Settings for the clients admin, read from the environment (12-factor).

Development needs nothing set: SQLite in the project folder, DEBUG on and a
throw-away secret key. Production sets ``DEBUG=0``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DATABASE_URL``; ``manage.py check --deploy`` is clean
with them.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.logs import DEFAULT_TIME_ZONE, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a yes/no variable; anything but a clear "no" word counts as yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "clients",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a form: drops a file past UPLOAD_MAX_BYTES as it arrives.
    "config.middleware.UploadLimitMiddleware",
    # After the language is known, so that its 400 page speaks the user's.
    "config.middleware.RefuseNulCharactersMiddleware",
    # Also after the language is known: the styled 405 page in the user's language.
    "config.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that stalls must become the 503 page (config/views.py) within
# seconds, well before gunicorn's worker timeout (30 s) kills the worker and the
# client gets a closed connection. On PostgreSQL, libpq gives up connecting after
# DB_CONNECT_TIMEOUT seconds (2 at least), and the server cancels any statement,
# a wait for a lock included, after DB_STATEMENT_TIMEOUT seconds (0: never).
# gunicorn.conf.py gives its workers a statement timeout of 10 s; commands
# (imports, migrations, seeding) run long statements and have none unless set.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", "0"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    database_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if DB_STATEMENT_TIMEOUT:
        server_options = database_options.get("options", "")
        database_options["options"] = (
            f"{server_options} -c statement_timeout={round(DB_STATEMENT_TIMEOUT * 1000)}".strip()
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clients:list"
LOGOUT_REDIRECT_URL = "login"
# A bulk edit's confirmation posts a code and a version per client (up to 1,000
# clients, clients.bulk_edit.MAX_SELECTED): Django's default allows 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_500

# Spanish first, English second; the browser's Accept-Language chooses.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # 1.234, not 1 234 (config/formats/es)
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", DEFAULT_TIME_ZONE)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development (and tests) serve straight from the source folders.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The largest file the import page takes (some 800,000 rows of CSV). Larger
# ones are dropped while they arrive (config.middleware.UploadLimitMiddleware);
# files above FILE_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) go to a temporary file.
UPLOAD_MAX_BYTES = 50 * 1024 * 1024

MESSAGE_TAGS = {40: "danger"}  # Bootstrap calls messages.ERROR "danger".

# History of every client change; reverting from the admin would bypass the
# version check, so it is off.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Login throttling (django-axes; config/login_throttle.py): 5 failures for one
# user name from one address lock that pair for 15 minutes; 20 failures from one
# address, whatever the user names (password spraying), lock the address. A
# successful login clears its own user name's failures only.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "config.login_throttle.LoginThrottle"
AXES_LOCKOUT_CALLABLE = "config.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address: the peer's, or behind the reverse proxy the one the
# proxies wrote in X-Forwarded-For, counting TRUSTED_PROXY_COUNT from the right.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
if TRUSTED_PROXY_COUNT < 1:  # 0 would trust the left-most entry, which the client writes
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more.")
AXES_CLIENT_IP_CALLABLE = "config.login_throttle.client_ip"

# The default cache stays per process. "progress" holds how far a web import has
# got (clients/progress.py): written by the worker that runs it, read by whichever
# worker answers the page's polls, so in files every process of the host reads.
# With several hosts, point it at a shared cache (Redis, memcached).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get(
            "PROGRESS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "clientes-progress")
        ),
        "OPTIONS": {"MAX_ENTRIES": 1_000},
    },
}

# Content-Security-Policy: only this site's own files; no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The read API for the platform's services (api/).
REST_FRAMEWORK = {
    # Services send "Authorization: Token <key>"; people logged in use their session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.DjangoModelViewPermissions"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clientes API",
    "DESCRIPTION": "Read-only client settings for the platform's services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.permissions.CanReadClients"],
}

# Load balancers probe over plain HTTP, whatever SECURE_SSL_REDIRECT says.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = logging_config()  # LOG_LEVEL, LOG_FORMAT (plain or json); to stdout.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # its INFO lines repeat on every login
