"""Let the test runner empty the audit tables, which refuse TRUNCATE on PostgreSQL (a trigger).

pytest-django empties the database after each transactional test with Django's
flush, i.e. TRUNCATE. Here the test database is emptied the way a replica applies
changes: with `session_replication_role = replica` ordinary triggers do not fire,
for the flush only. Outside tests nothing changes: `manage.py flush` is refused on
the audit tables, as it should be.
"""

from django.db.backends.postgresql.operations import DatabaseOperations


def audit_tables_flushable() -> None:
    original = DatabaseOperations.execute_sql_flush
    if getattr(original, "audit_flushable", False):
        return

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    execute_sql_flush.audit_flushable = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush
