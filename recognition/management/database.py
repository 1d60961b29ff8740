"""Commands that need the database say so in one Vietnamese line when it is not ready, never a traceback.

A newcomer may run a command from the README before the first `make run` has created the
database, or with a DATABASE_URL that does not answer.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


def database_ready_or_refuse(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Raise CommandError unless the database answers and every migration is applied."""
    connection = connections[alias]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CommandError(
            _("Không kết nối được cơ sở dữ liệu (%(error)s). Hãy kiểm tra DATABASE_URL rồi chạy lại lệnh này.")
            % {"error": first_line}
        )
    if pending:
        raise CommandError(
            _(
                "Cơ sở dữ liệu chưa được tạo hoặc chưa cập nhật (còn %(count)d migration chưa áp dụng). "
                "Hãy chạy “make run” (hoặc “.venv/bin/python manage.py migrate”) trước, rồi chạy lại lệnh này."
            )
            % {"count": len(pending)}
        )


class DatabaseCommand(BaseCommand):
    """A command that reads or writes the database; it refuses in one line while the database is not ready."""

    def database_needed(self, options: dict) -> bool:
        """Override for commands that need the database only for some options."""
        return True

    def execute(self, *args, **options):
        if self.database_needed(options):
            try:
                database_ready_or_refuse(options.get("database") or DEFAULT_DB_ALIAS)
            except CommandError as refusal:
                if not getattr(self, "_called_from_command_line", False):
                    raise
                # The message alone, without Django's "CommandError:" prefix.
                self.stderr.write(str(refusal))
                sys.exit(refusal.returncode)
        return super().execute(*args, **options)
