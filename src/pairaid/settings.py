"""Django settings for PairAid, read from the environment with safe local defaults.

Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (docs/deployment.md).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from pairaid import __version__
from pairaid.config import email_settings, env_bool, env_int, env_list

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
    "pairaid.foresight",
    "pairaid.operations",
    "pairaid.conversations",
    "pairaid.projects",
    "pairaid.assessment",
    "pairaid.scenarios",
    "pairaid.dashboard",
    "pairaid.situation",
    "pairaid.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pairaid.web.headers.PermissionsPolicyMiddleware",
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
# `pairaid worker` (make demo starts it beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail (the outbox of notifications, pairaid.conversations.outbox), from one address as the
# database's: PAIRAID_EMAIL_URL=smtp://user:password@host:587?tls=1, or console:// (the default:
# mail is written to the console, as in the demo). docs/deployment.md.
globals().update(email_settings(os.environ.get("PAIRAID_EMAIL_URL", "console://")))
# An unanswering mail server fails the attempt after this long; the outbox retries it later.
EMAIL_TIMEOUT = env_int("PAIRAID_EMAIL_TIMEOUT", default=30, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("PAIRAID_MAIL_FROM", "PairAid <pairaid@localhost>")
# Where mail links to: the address people open PairAid at (scheme, host, port; no path).
# The IATI organisation identifier the projects' IATI XML is published under (its reporting-org
# and the prefix of each activity's identifier): set it to the publisher's registered one
# (https://iatistandard.org/en/guidance/preparing-organisation/organisation-account/
# how-to-create-your-iati-organisation-identifier/); the default marks an unregistered export.
PAIRAID_IATI_REPORTING_ORG = os.environ.get("PAIRAID_IATI_REPORTING_ORG", "XI-PAIRAID")
PAIRAID_SITE_URL = os.environ.get("PAIRAID_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Failed e-mail is sent again after 1, 2, 4 … minutes, never more than this many apart.
PAIRAID_MAIL_RETRY_MAX_SECONDS = env_int(
    "PAIRAID_MAIL_RETRY_MAX_SECONDS", default=6 * 3600, minimum=60
)
# The daily digest goes at this hour (0-23) of each programme's time zone.
PAIRAID_DIGEST_HOUR = env_int("PAIRAID_DIGEST_HOUR", default=7, minimum=0)
if PAIRAID_DIGEST_HOUR > 23:
    raise ValueError(
        f"PAIRAID_DIGEST_HOUR: expected an hour from 0 to 23, got {PAIRAID_DIGEST_HOUR}"
    )
# A burst: from this many immediate e-mails to one user within PAIRAID_MAIL_BURST_MINUTES, the
# next wait for the window's end and go together as one message (never dropped).
PAIRAID_MAIL_BURST = env_int("PAIRAID_MAIL_BURST", default=5, minimum=1)
PAIRAID_MAIL_BURST_MINUTES = env_int("PAIRAID_MAIL_BURST_MINUTES", default=10, minimum=1)

# A plan run's solver process is stopped, and the run failed, above this resident memory (MB):
# one bad run must not take the task worker down (pairaid.pairing.solver_process).
PAIRAID_SOLVER_MEMORY_MB = env_int("PAIRAID_SOLVER_MEMORY_MB", default=4096, minimum=1)
# The churn trade-off curve of the plan page and of a run's default churn budget stops after this
# many seconds of solves (pairaid.pairing.tradeoff), or at ten points.
PAIRAID_TRADEOFF_SECONDS = env_int("PAIRAID_TRADEOFF_SECONDS", default=60, minimum=1)
# A running plan run whose heartbeat (every 5 s: solver_process.HEARTBEAT_SECONDS) is older than
# this has lost its worker; a task worker fails it, and /healthz/work reports it until then. At
# least three heartbeats, so that a busy database never fails a live run; lower than the
# default only where a dead worker must be noticed sooner (the CI smoke test uses 15).
PAIRAID_RUN_STALL_SECONDS = env_int("PAIRAID_RUN_STALL_SECONDS", default=60, minimum=15)

# A request expires this many days after it is raised (or last renewed) unless renewed.
PAIRAID_REQUEST_EXPIRY_DAYS = int(os.environ.get("PAIRAID_REQUEST_EXPIRY_DAYS", 90))

# How much of an upload is read (issue 17: an observer's 283 KB workbook with 2 million empty
# rows held a web worker for 30 s). Each limit is checked as the file streams in, so no upload
# holds a worker for more than a few seconds; the reasons for each figure are beside it.
# - the file: a needs-and-capacities workbook of 20,000 rows (a national programme's ~2,800
#   participants with several lines each) is 0.5 MB; ten times that room.
PAIRAID_UPLOAD_MAX_BYTES = int(os.environ.get("PAIRAID_UPLOAD_MAX_BYTES", 5 * 2**20))
# - unpacked: an XLSX is a zip, and a few KB may unpack to gigabytes; those 20,000 rows unpack
#   to 8.3 MB.
PAIRAID_UPLOAD_MAX_UNPACKED_BYTES = int(
    os.environ.get("PAIRAID_UPLOAD_MAX_UNPACKED_BYTES", 50 * 2**20)
)
# - rows per sheet, empty ones included (a cell on row 1,048,576 makes a million rows): 20,000
#   rows of seven cells are read in 0.9 s of CPU. Also the most rows a JSON body may carry.
PAIRAID_UPLOAD_MAX_ROWS = int(os.environ.get("PAIRAID_UPLOAD_MAX_ROWS", 20_000))
# - cells with a value in all the sheets read: about 3 s of reading.
PAIRAID_UPLOAD_MAX_CELLS = int(os.environ.get("PAIRAID_UPLOAD_MAX_CELLS", 500_000))
# Django's own limits, set on purpose. A request body other than files (a form, a JSON body)
# holds at most 1 MiB: PairAid's largest is a plan run's options, a few KB; a 2.4 MB JSON
# body with 60,000 lines once held a worker (issue 17). A file of up to 1 MiB is kept in memory,
# a larger one in a temporary file; the first handler drops a file past
# PAIRAID_UPLOAD_MAX_BYTES as it streams in. The number of fields stays Django's 1,000: pages
# send at most a few dozen, the admin's inlines (a facility's daily snapshots) a few hundred.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2**20
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_HANDLERS = [
    "pairaid.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

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

# Content-Security-Policy (django-csp) on every page and API response: scripts only from this
# server's own files (no inline script, no eval), everything else from here too. Styles may be
# inline: ECharts styles its tooltips and htmx its indicators that way, and a style cannot run
# code. The browser tests run under this policy and fail on any violation (a console error).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
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
