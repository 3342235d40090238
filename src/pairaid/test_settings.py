"""Test settings: SQLite by default, PostgreSQL when PAIRAID_TEST_DATABASE_URL is set."""

import os

import dj_database_url

from pairaid.settings import *  # noqa: F403

_test_url = os.environ.get("PAIRAID_TEST_DATABASE_URL")
if _test_url:
    DATABASES = {"default": dj_database_url.parse(_test_url)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
SECURE_SSL_REDIRECT = False

# Tests log in with the test client (no request object); the throttling test turns axes on.
AXES_ENABLED = False

# Background tasks run at once inside the test (after the enqueuing transaction commits).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# No cache shared between tests: SQLite reuses ids after a rollback, so two tests could reach
# the same data version with different data. Tests of the cache turn a local-memory one on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# The churn trade-off curve: a few seconds of solves, not a minute (pairaid.pairing.tradeoff).
PAIRAID_TRADEOFF_SECONDS = 2
