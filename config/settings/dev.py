"""Local development: SQLite under var/, e-mails as files in var/mail/, DEBUG on."""

from config.env import VAR_DIR, env

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# A development-only key; production.py refuses to start without SECRET_KEY.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
# One file per sending in var/mail/: the demo's hundreds of e-mails stay out of the console.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # `make run` shares the file between the web server, the Celery worker and beat: with WAL,
    # readers do not wait for a writer, and synchronous=NORMAL skips an fsync per commit.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"  # noqa: F405

# `make run` creates this key once (`manage.py audit_keygen --if-missing`); production names its own.
KHEO_AUDIT_SIGNING_KEY_FILE = KHEO_AUDIT_SIGNING_KEY_FILE or str(VAR_DIR / "audit" / "signing-key.pem")  # noqa: F405
KHEO_AUDIT_WITNESS_DIR = KHEO_AUDIT_WITNESS_DIR or str(VAR_DIR / "audit" / "witness")  # noqa: F405
