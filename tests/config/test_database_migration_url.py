"""`migrate` and `db_roles` connect as the owner (DATABASE_MIGRATION_URL); everything else as the app role."""

import importlib.util
import sys

import pytest

from config.env import BASE_DIR

APP_URL = "postgres://kheo_app:app-secret@db.example:5432/kheo"
OWNER_URL = "postgres://kheo_owner:owner-secret@db.example:5432/kheo"


def settings_for(monkeypatch, argv: list[str], *, migration_url: str | None) -> dict:
    monkeypatch.setenv("DATABASE_URL", APP_URL)
    if migration_url is None:
        monkeypatch.delenv("DATABASE_MIGRATION_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_MIGRATION_URL", migration_url)
    monkeypatch.setattr(sys, "argv", argv)
    # A fresh copy of the module, read with this argv and environment (runpy would rewrite argv[0]).
    spec = importlib.util.spec_from_file_location("fresh_base_settings", BASE_DIR / "config" / "settings" / "base.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


@pytest.mark.parametrize(
    "argv",
    [
        ["manage.py", "migrate", "--noinput"],
        ["/srv/kheo/venv/bin/django-admin", "migrate"],
        ["/srv/kheo/venv/lib/python3.11/site-packages/django/__main__.py", "migrate"],
        ["manage.py", "db_roles", "--check"],
    ],
)
def test_owner_commands_connect_with_the_migration_url(monkeypatch, argv):
    settings = settings_for(monkeypatch, argv, migration_url=OWNER_URL)

    assert (settings["DATABASES"]["default"]["USER"], settings["DATABASES"]["default"]["PASSWORD"]) == (
        "kheo_owner",
        "owner-secret",
    )
    assert settings["DATABASE_APP_SETTINGS"]["USER"] == "kheo_app"


@pytest.mark.parametrize(
    "argv",
    [
        ["manage.py", "runserver"],
        ["manage.py", "seed_demo"],
        ["/srv/kheo/venv/bin/celery", "-A", "config", "worker"],
        ["/srv/kheo/venv/bin/gunicorn", "migrate"],
    ],
)
def test_the_app_and_workers_connect_as_the_app_role(monkeypatch, argv):
    settings = settings_for(monkeypatch, argv, migration_url=OWNER_URL)

    assert settings["DATABASES"]["default"]["USER"] == "kheo_app"


def test_without_a_migration_url_migrate_uses_database_url(monkeypatch):
    settings = settings_for(monkeypatch, ["manage.py", "migrate"], migration_url=None)

    assert settings["DATABASES"]["default"]["USER"] == "kheo_app"
