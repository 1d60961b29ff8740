"""pytest plugin for `make mutation` (loaded with `-p tests.mutation_db`, never by `make test`).

mutmut runs pytest once per mutant, in a process forked from one that has already
imported the settings, so the test settings' per-process SQLite name is the parent's
in every worker, and creating or even checking a migrated database costs seconds per
mutant. Each test session here instead opens its own copy of one database migrated
beforehand (`KHEO_MUTATION_DB_TEMPLATE`, made by config/scripts/mutation.sh), runs its
tests in rolled-back transactions as usual, and deletes the copy at the end.
"""

import os
import shutil
from pathlib import Path

import pytest


class _TemplateDatabase:
    # Registered from pytest_configure, after pytest-django, so this fixture wins over its own.
    @pytest.fixture(scope="session")
    def django_db_setup(self, django_test_environment, django_db_blocker):
        from django.conf import settings
        from django.db import connections

        template = Path(os.environ["KHEO_MUTATION_DB_TEMPLATE"])
        copy = template.with_name(f"{template.stem}-{os.getpid()}{template.suffix}")
        with django_db_blocker.unblock():
            connections.close_all()  # never use a connection inherited from the parent across fork
            shutil.copyfile(template, copy)
            for settings_dict in (settings.DATABASES["default"], connections["default"].settings_dict):
                settings_dict["NAME"] = str(copy)
        yield
        with django_db_blocker.unblock():
            connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


def pytest_configure(config):
    if os.environ.get("KHEO_MUTATION_DB_TEMPLATE"):
        config.pluginmanager.register(_TemplateDatabase(), "kheo-mutation-template-database")
