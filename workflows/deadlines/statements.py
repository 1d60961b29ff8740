"""Several writes of one step sent to PostgreSQL as one statement.

A step that completes a task cancels its pending deadline slots and, for the tasks it
creates, inserts their slots and their "new task" notifications. On PostgreSQL the
writes go as one statement, the first ones as data-modifying CTEs (`WITH a AS (UPDATE
...), b AS (INSERT ...) INSERT ... RETURNING id`), each run exactly once whatever the
main statement reads; SQLite gets them one by one. The SQL of each insert is Django's
own (`InsertQuery`), so field preparation and defaults are those of `bulk_create`.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list


def insert_statement(model, objs: list, *, returning: bool = False) -> Statement:
    """`INSERT INTO <model> ... VALUES (...), (...)` for unsaved `objs` (RETURNING their ids if asked)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [model._meta.pk]
    statements = compiler.as_sql()
    if len(statements) != 1:  # a backend that cannot insert many rows in one statement
        raise ValueError("one statement per insert expected")
    sql, params = statements[0]
    return Statement(sql=sql, params=list(params))


def statements_run(statements: list[Statement]) -> list[tuple]:
    """Run `statements` in order and return the rows the last one returns (if any).

    On PostgreSQL all of them are one round trip: the earlier ones become CTEs.
    """
    if not statements:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *earlier, last = statements
            ctes = ", ".join(f"write_{index} AS ({statement.sql})" for index, statement in enumerate(earlier))
            params = [param for statement in earlier for param in statement.params] + last.params
            cursor.execute(f"WITH {ctes} {last.sql}", params)
            return cursor.fetchall() if cursor.description else []
        rows = []
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            rows = cursor.fetchall() if cursor.description else []
        return rows
