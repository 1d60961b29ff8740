"""Create or update the app role and grant it exactly what `recognition.database_roles` lists."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _
from psycopg import sql

from recognition.database_roles import READ_ONLY_TABLES, append_only_tables, forward_only_tables

ORDINARY_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
GUARD_FUNCTION = "kheo_forward_only_guard"

# Called only for a row that breaks the rule (the triggers' WHEN clauses test it, so a
# head moving forward costs no function call); search_path pinned so nothing the app role
# creates can shadow what it calls.
GUARD_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {GUARD_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    -- The owner runs migrations and repairs; it could disable these triggers anyway.
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows cannot be deleted', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION 'a new % row must start with % = 0', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION '% can only move forward: % % -> % refused', TG_TABLE_NAME, TG_ARGV[0],
        to_jsonb(OLD) ->> TG_ARGV[0], to_jsonb(NEW) ->> TG_ARGV[0] USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

# (event, WHEN condition) of each guard trigger; {counter} is the quoted counter column.
GUARD_TRIGGERS = {
    "insert": ("INSERT", "NEW.{counter} <> 0"),
    "update": ("UPDATE", "NEW.{counter} <= OLD.{counter}"),
    "delete": ("DELETE", "true"),
}


class RoleSetupError(Exception):
    """The roles cannot be set up as asked; the message says why, in Vietnamese."""


@dataclass
class GrantSummary:
    role: str
    created: bool
    ordinary_tables: int
    append_only_tables: list[str]
    forward_only_tables: list[str]
    read_only_tables: list[str]
    sequences: int


def app_role_grant(*, connection: BaseDatabaseWrapper, role: str, password: str | None) -> GrantSummary:
    """Create or update `role` and grant it exactly what the app needs on every table, in one transaction.

    Precondition: `connection` is PostgreSQL, connected as the role that owns the tables
    (after `migrate`). Idempotent: privileges are revoked then granted table by table,
    so a table that became append-only loses what it had. `password` None leaves an
    existing role's password as it is (a new role then has none: trust or peer sign-in).
    """
    if not ROLE_NAME.match(role):
        raise RoleSetupError(_("Tên vai trò không hợp lệ: %(role)s (chỉ chữ thường, số, gạch dưới).") % {"role": role})
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema(), current_database()")
        owner, schema, database = cursor.fetchone()
        if role == owner:
            raise RoleSetupError(
                _("Vai trò ứng dụng %(role)s trùng với chủ sở hữu các bảng: hãy dùng một vai trò khác.")
                % {"role": role}
            )
        tables, sequences = _schema_relations(cursor, schema)
        _require_owned_and_present(cursor, tables, sequences)
        created = _role_upsert(cursor, role=role, password=password, owner=owner)

        identifier = sql.Identifier(role)
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), identifier))
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), identifier))
        _guards_install(cursor)
        append_only, forward_only = set(append_only_tables()), forward_only_tables()
        for table in tables:
            name = sql.Identifier(table)
            cursor.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(name, identifier))
            if table in forward_only:
                movable = sql.SQL(", ").join(map(sql.Identifier, forward_only[table].movable))
                cursor.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(name, identifier))
                cursor.execute(sql.SQL("GRANT UPDATE ({}) ON TABLE {} TO {}").format(movable, name, identifier))
            elif table in append_only:
                cursor.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(name, identifier))
            elif table in READ_ONLY_TABLES:
                cursor.execute(sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(name, identifier))
            else:
                cursor.execute(sql.SQL(f"GRANT {ORDINARY_PRIVILEGES} ON TABLE {{}} TO {{}}").format(name, identifier))
        for sequence in sequences:
            name = sql.Identifier(sequence)
            cursor.execute(sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}").format(name, identifier))
            cursor.execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(name, identifier))
    special = append_only | set(forward_only) | set(READ_ONLY_TABLES)
    return GrantSummary(
        role=role,
        created=created,
        ordinary_tables=len([table for table in tables if table not in special]),
        append_only_tables=sorted(append_only),
        forward_only_tables=sorted(forward_only),
        read_only_tables=sorted(set(READ_ONLY_TABLES) & set(tables)),
        sequences=len(sequences),
    )


def _schema_relations(cursor, schema: str) -> tuple[list[str], list[str]]:
    cursor.execute(
        "SELECT relname, relkind FROM pg_class WHERE relnamespace = %s::regnamespace "
        "AND relkind IN ('r', 'p', 'v', 'm', 'f', 'S') ORDER BY relname",
        [schema],
    )
    rows = cursor.fetchall()
    return [name for name, kind in rows if kind != "S"], [name for name, kind in rows if kind == "S"]


def _require_owned_and_present(cursor, tables: list[str], sequences: list[str]) -> None:
    guarded = [*append_only_tables(), *forward_only_tables()]
    missing = [table for table in guarded if table not in tables]
    if missing:
        raise RoleSetupError(
            _("Chưa có bảng %(tables)s: hãy chạy “manage.py migrate” trước.") % {"tables": ", ".join(missing)}
        )
    cursor.execute(
        "SELECT relname FROM pg_class WHERE oid = ANY(%s::regclass[]) "
        "AND NOT pg_has_role(current_user, relowner, 'USAGE') ORDER BY relname",
        [[*tables, *sequences]],
    )
    foreign = [name for (name,) in cursor.fetchall()]
    if foreign:
        raise RoleSetupError(
            _("Vai trò đang kết nối không sở hữu các bảng %(tables)s: hãy chạy lệnh bằng DATABASE_MIGRATION_URL.")
            % {"tables": ", ".join(foreign[:5])}
        )


def _role_upsert(cursor, *, role: str, password: str | None, owner: str) -> bool:
    """Create the role, or bring an existing one back to a plain login role. Returns True when created."""
    attributes = sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
    if password is not None:
        attributes = sql.SQL("{} PASSWORD {}").format(attributes, sql.Literal(password))
    cursor.execute(
        "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls OR NOT rolcanlogin "
        "FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        cursor.execute(sql.SQL("CREATE ROLE {} WITH {}").format(sql.Identifier(role), attributes))
        return True
    # Left alone when already plain: an owner without CREATEROLE can still re-grant after each migrate.
    if row[0] or password is not None:
        cursor.execute(sql.SQL("ALTER ROLE {} WITH {}").format(sql.Identifier(role), attributes))
    cursor.execute("SELECT pg_has_role(%s, %s, 'USAGE')", [role, owner])
    if cursor.fetchone()[0]:
        raise RoleSetupError(
            _("Vai trò %(role)s có quyền của chủ sở hữu %(owner)s (là thành viên): hãy thu hồi (REVOKE) trước.")
            % {"role": role, "owner": owner}
        )
    return False


def _guards_install(cursor) -> None:
    cursor.execute(GUARD_FUNCTION_SQL)
    for table, rule in forward_only_tables().items():
        name, counter = sql.Identifier(table), sql.Identifier(rule.counter)
        for suffix, (event, condition) in GUARD_TRIGGERS.items():
            trigger = sql.Identifier(f"{table}_forward_only_{suffix}")
            cursor.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(trigger, name))
            cursor.execute(
                sql.SQL("CREATE TRIGGER {} BEFORE {} ON {} FOR EACH ROW WHEN ({}) EXECUTE FUNCTION {}({})").format(
                    trigger,
                    sql.SQL(event),
                    name,
                    sql.SQL(condition).format(counter=counter),
                    sql.Identifier(GUARD_FUNCTION),
                    sql.Literal(rule.counter),
                )
            )
