"""Django settings for PairAid, read from the environment with safe local defaults.

Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (docs/deployment.md).
"""

import datetime
import os
from pathlib import Path

import dj_database_url

from pairaid import __version__
from pairaid.config import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent

# The default secret is public; the accounts app refuses to start with it when DEBUG is off.
DEFAULT_SECRET_KEY = "pairaid-insecure-local-default-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode lets the documented demo accounts log in; outside it they are refused.
DEMO_MODE = env_bool("PAIRAID_DEMO", default=False)

DATA_DIR = Path(os.environ.get("PAIRAID_DATA_DIR", Path.cwd() / "data")).resolve()
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'pairaid.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "pairaid.freshness",
    "pairaid.accounts",
    "pairaid.registry",
    "pairaid.programmes",
    "pairaid.pairing",
    "pairaid.operations",
    "pairaid.scenarios",
    "pairaid.dashboard",
    "pairaid.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the path or the query: text a database cannot store is bad input.
    "pairaid.web.text.UnstorableTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pairaid.accounts.middleware.SecondFactorMiddleware",
    "pairaid.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pairaid.web.errors.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pairaid.urls"
WSGI_APPLICATION = "pairaid.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "pairaid.accounts.backends.DemoAwareModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed logins lock the account for a while (django-axes, per username, from any
# address); an address is only slowed down, never locked out (pairaid.accounts.throttle), since
# a whole office may share it. Each failure is logged for that.
AXES_FAILURE_LIMIT = int(os.environ.get("PAIRAID_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("PAIRAID_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_RESET_ON_SUCCESS = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ]
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Stored files (attachments, generated documents) go through Django's storage API; `pairaid
# backup` includes them. A deployment on several hosts points the storage at shared storage.
MEDIA_ROOT = Path(os.environ.get("PAIRAID_MEDIA_DIR", DATA_DIR / "media")).resolve()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Computed programme overviews (the dashboard) and rendered pages of the pairings API are kept
# here (pairaid.freshness: keys carry the data's exact version, so no change serves stale data).
# A file cache needs no service and is shared by every worker process on the host (local memory
# would be per process: each worker would compute each entry once); PAIRAID_CACHE_DIR moves it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PAIRAID_CACHE_DIR", str(DATA_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 2000},
        # A new release never reads an older one's cached overviews (their shape may differ).
        "KEY_PREFIX": f"pairaid-{__version__}",
    }
}

# Sessions end after this long without a request (saved on every request: an idle timeout).
SESSION_COOKIE_AGE = int(os.environ.get("PAIRAID_SESSION_SECONDS", 2 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Plan runs go through a task queue that works on SQLite and PostgreSQL alike; the worker is
# `pairaid db_worker` (make demo starts it beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A request expires this many days after it is raised (or last renewed) unless renewed.
PAIRAID_REQUEST_EXPIRY_DAYS = int(os.environ.get("PAIRAID_REQUEST_EXPIRY_DAYS", 90))

# Coordinators must verify a second factor (TOTP) when this is on; anyone may enrol one.
PAIRAID_REQUIRE_COORDINATOR_2FA = env_bool("PAIRAID_REQUIRE_COORDINATOR_2FA", default=False)
OTP_TOTP_ISSUER = "PairAid"

# A deployment's approved base map (审图号) replaces the vendored boundaries when set.
PAIRAID_BASEMAP_DIR = os.environ.get("PAIRAID_BASEMAP_DIR", "")

# Production hardening: on whenever DEBUG is off, each switch overridable from the environment
# (e.g. behind a proxy that terminates TLS and already redirects).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# django-axes warns when its lockout leaves the address out: here on purpose, the address being
# slowed by pairaid.accounts.throttle instead (tests/permissions/test_security.py).
SILENCED_SYSTEM_CHECKS.append("axes.W006")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
AXES_VERBOSE = False
