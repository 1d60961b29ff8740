"""pytest plugin for `make mutation` (loaded with `-p tests.mutation_db`, never by `make test`).

mutmut runs pytest once per mutant, in a process forked from one that has already
imported the settings, so the test settings' per-process SQLite name is the parent's
in every worker and migrating a fresh database would cost seconds per mutant. Each
test session here starts instead from its own copy of one migrated database
(`KHEO_MUTATION_DB_TEMPLATE`, made by config/scripts/mutation.sh) and deletes it at
the end; pytest-django's `--reuse-db` then only checks that the migrations are applied.
"""

import os
import shutil
from pathlib import Path

import pytest


class _TemplateDatabase:
    # Registered from pytest_configure, after pytest-django, so this fixture wins over its own.
    @pytest.fixture(scope="session")
    def django_db_modify_db_settings(self, django_db_modify_db_settings_parallel_suffix):
        from django.conf import settings
        from django.db import connections

        template = Path(os.environ["KHEO_MUTATION_DB_TEMPLATE"])
        copy = template.with_name(f"{template.stem}-{os.getpid()}{template.suffix}")
        connections.close_all()  # never use a connection inherited from the parent across fork
        shutil.copyfile(template, copy)
        for settings_dict in (settings.DATABASES["default"], connections["default"].settings_dict):
            settings_dict.setdefault("TEST", {})["NAME"] = str(copy)
        yield
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


def pytest_configure(config):
    if os.environ.get("KHEO_MUTATION_DB_TEMPLATE"):
        config.pluginmanager.register(_TemplateDatabase(), "kheo-mutation-template-database")
