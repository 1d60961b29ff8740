"""Prove the app role's limits by trying, as that role, what it must not be able to do.

Every attempt runs in one transaction that is rolled back, each in its own savepoint,
and touches no row (`WHERE false`) except the one attempt to move a chain head back,
which the guard must refuse. So a misconfigured database reports the hole and keeps
its data.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from psycopg import errors, sql

from recognition.database_roles import append_only_primary_keys, forward_only_tables

PROBE_COLUMN = "kheo_probe"


@dataclass(frozen=True)
class ProbeResult:
    table: str
    operation: str
    must_be_refused: bool
    refused: bool
    detail: str

    @property
    def holds(self) -> bool:
        return self.refused == self.must_be_refused


def app_connection_params(owner_params: dict, *, role: str, password: str | None) -> dict:
    """psycopg.connect() arguments for `role` on the owner's database (Django's own params minus its adapters)."""
    params = {key: value for key, value in owner_params.items() if key not in {"cursor_factory", "context"}}
    params.update(user=role, password=password or None)
    return {key: value for key, value in params.items() if value is not None}


def app_role_probe(*, params: dict) -> list[ProbeResult]:
    """Connect with `params` (the app role) and try every forbidden and every needed operation on the audit tables."""
    results = []
    with psycopg.connect(**params, autocommit=False) as conn:
        conn.execute("SET lock_timeout = '2s'")
        for table, operation, statement, must_be_refused in _attempts(conn):
            try:
                with conn.transaction():
                    conn.execute(statement)
                results.append(ProbeResult(table, operation, must_be_refused, False, ""))
            except errors.InsufficientPrivilege as error:
                results.append(ProbeResult(table, operation, must_be_refused, True, error.diag.message_primary or ""))
            except errors.LockNotAvailable as error:
                # Permitted, only blocked by another session's lock.
                results.append(ProbeResult(table, operation, must_be_refused, False, error.diag.message_primary or ""))
        conn.rollback()
    return results


def _attempts(conn) -> Iterator[tuple[str, str, sql.Composable, bool]]:
    for table, key in append_only_primary_keys().items():
        name, key = sql.Identifier(table), sql.Identifier(key)
        yield table, "SELECT", sql.SQL("SELECT * FROM {} LIMIT 1").format(name), False
        yield table, "INSERT", sql.SQL("INSERT INTO {} SELECT * FROM {} WHERE false").format(name, name), False
        yield table, "UPDATE", sql.SQL("UPDATE {} SET {} = {} WHERE false").format(name, key, key), True
        yield from _owner_only(table)
    for table, rule in forward_only_tables().items():
        name = sql.Identifier(table)
        movable = sql.SQL(", ").join(sql.SQL("{0} = {0}").format(sql.Identifier(column)) for column in rule.movable)
        yield table, "SELECT", sql.SQL("SELECT * FROM {} LIMIT 1").format(name), False
        yield (
            table,
            "UPDATE " + ", ".join(rule.movable),
            sql.SQL("UPDATE {} SET {} WHERE false").format(name, movable),
            False,
        )
        columns = conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum",
            [table],
        ).fetchall()
        for (column,) in columns:
            if column not in rule.movable:
                statement = sql.SQL("UPDATE {} SET {} = {} WHERE false").format(
                    name, sql.Identifier(column), sql.Identifier(column)
                )
                yield table, f"UPDATE {column}", statement, True
        counter = sql.Identifier(rule.counter)
        row = conn.execute(sql.SQL("SELECT id FROM {} WHERE {} > 0 LIMIT 1").format(name, counter)).fetchone()
        if row is not None:
            yield (
                table,
                f"{rule.counter} - 1",
                sql.SQL("UPDATE {} SET {} = {} - 1 WHERE id = {}").format(name, counter, counter, sql.Literal(row[0])),
                True,
            )
        yield from _owner_only(table)


def _owner_only(table: str) -> Iterator[tuple[str, str, sql.Composable, bool]]:
    name = sql.Identifier(table)
    yield table, "DELETE", sql.SQL("DELETE FROM {} WHERE false").format(name), True
    yield table, "TRUNCATE", sql.SQL("TRUNCATE {}").format(name), True
    yield (
        table,
        "ALTER TABLE",
        sql.SQL("ALTER TABLE {} ADD COLUMN {} integer").format(name, sql.Identifier(PROBE_COLUMN)),
        True,
    )
    yield table, "DISABLE TRIGGER", sql.SQL("ALTER TABLE {} DISABLE TRIGGER ALL").format(name), True
