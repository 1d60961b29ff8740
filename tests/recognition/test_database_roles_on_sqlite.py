"""On SQLite `db_roles` has nothing to do and says so in one line (roles are a PostgreSQL feature)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the explanation is for SQLite databases")
@pytest.mark.django_db
def test_db_roles_on_sqlite_explains_in_one_line():
    out = io.StringIO()

    call_command("db_roles", app_role="kheo_app", stdout=out)

    assert out.getvalue() == "Vai trò cơ sở dữ liệu là tính năng của PostgreSQL; với SQLite không có gì để làm.\n"
