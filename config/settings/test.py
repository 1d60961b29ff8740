"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI, SQLite otherwise)."""

import os

from config.env import VAR_DIR, env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
LANGUAGE_CODE = "vi"

# The slow tests start real Celery workers, which must open the test database: on
# SQLite it is a file (one per test run, an in-memory database cannot be shared), and
# a worker is told the test database's name through KHEO_TEST_DATABASE_NAME.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_kheo_{os.getpid()}.sqlite3")}  # noqa: F405
    # A throwaway file: no fsync; WAL lets the worker read while the test writes.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"  # noqa: F405
if env("KHEO_TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env("KHEO_TEST_DATABASE_NAME")  # noqa: F405

# Unit tests see the delivery message published after their commit; the relay's own tests, and
# the fault tests run in both modes, choose "relay" (and start `manage.py outbox_relay`).
KHEO_OUTBOX_PUBLISH = env("KHEO_OUTBOX_PUBLISH", default="on_commit")

# A test-only checkpoint signing key (never used outside tests); tests of other keys make their own.
KHEO_AUDIT_SIGNING_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIBgBNvEvRGv8ypWbRDvsRqu6fWic7Y8sTptZXhuiskjS
-----END PRIVATE KEY-----
"""
KHEO_AUDIT_WITNESS_DIR = ""
