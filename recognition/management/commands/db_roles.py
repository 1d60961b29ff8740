"""`manage.py db_roles`: create or update the PostgreSQL role of the web app and workers, grant it what it needs.

Run as the owner of the tables (with DATABASE_MIGRATION_URL set, settings connect this
command as the owner), after every `migrate`. Idempotent. `--check` connects as the app
role and tries what it must not be able to do on the audit tables (exit status 1 when
any of it works).
"""

import os
from urllib.parse import quote, urlencode

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from recognition.database_roles.grants import GrantSummary, RoleSetupError, app_role_grant
from recognition.database_roles.probe import app_connection_params, app_role_probe

EXIT_HOLE = 1


class Command(BaseCommand):
    help = _(
        "Tạo hoặc cập nhật vai trò PostgreSQL mà web và Celery dùng, cấp đúng quyền nó cần "
        "(chạy lại sau mỗi lần migrate)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-role",
            metavar="NAME",
            help=_(
                "Tên vai trò của ứng dụng. Mặc định: người dùng trong DATABASE_URL; "
                "nếu đó là chủ sở hữu các bảng thì <tên cơ sở dữ liệu>_app."
            ),
        )
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help=_(
                "Biến môi trường chứa mật khẩu của vai trò. Mặc định: mật khẩu trong DATABASE_URL "
                "nếu có, nếu không thì giữ nguyên."
            ),
        )
        parser.add_argument(
            "--print-url",
            action="store_true",
            help=_("In ra DATABASE_URL mà ứng dụng cần dùng (stdout; các dòng khác ra stderr)."),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=_(
                "Không cấp quyền: kết nối bằng vai trò ứng dụng và thử những thao tác nó không được làm "
                "trên các bảng nhật ký."
            ),
        )

    def handle(self, *args, app_role=None, password_env=None, print_url=False, check=False, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(_("Vai trò cơ sở dữ liệu là tính năng của PostgreSQL; với SQLite không có gì để làm."))
            return
        role = app_role or self._default_role()
        password = self._password(role, password_env)
        if check:
            self._check(role, password)
            return
        try:
            summary = app_role_grant(connection=connection, role=role, password=password)
        except RoleSetupError as error:
            raise CommandError(str(error)) from None
        self._report(summary, self.stderr if print_url else self.stdout)
        if print_url:
            self.stdout.write(self._app_url(role, password))

    def _default_role(self) -> str:
        app_user = settings.DATABASE_APP_SETTINGS.get("USER") or ""
        if app_user and app_user != connection.settings_dict["USER"]:
            return app_user
        return f"{connection.settings_dict['NAME']}_app"

    def _password(self, role: str, password_env: str | None) -> str | None:
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(_("Biến môi trường %(name)s chưa được đặt hoặc rỗng.") % {"name": password_env})
            return password
        if role == settings.DATABASE_APP_SETTINGS.get("USER"):
            return settings.DATABASE_APP_SETTINGS.get("PASSWORD") or None
        return None

    def _report(self, summary: GrantSummary, out) -> None:
        if summary.created:
            out.write(_("Đã tạo vai trò %(role)s.") % {"role": summary.role})
        out.write(
            _("Vai trò %(role)s: %(tables)s bảng được đọc, thêm, sửa, xóa; %(sequences)s sequence được dùng (USAGE).")
            % {"role": summary.role, "tables": summary.ordinary_tables, "sequences": summary.sequences}
        )
        out.write(
            _("Bảng nhật ký chỉ được thêm và đọc: %(tables)s.") % {"tables": ", ".join(summary.append_only_tables)}
        )
        out.write(
            _("Đầu chuỗi chỉ được tiến, không được xóa: %(tables)s.")
            % {"tables": ", ".join(summary.forward_only_tables)}
        )
        if summary.read_only_tables:
            out.write(_("Chỉ được đọc: %(tables)s.") % {"tables": ", ".join(summary.read_only_tables)})

    def _app_url(self, role: str, password: str | None) -> str:
        owner = connection.settings_dict
        credentials = quote(role, safe="") + (":" + quote(password, safe="") if password else "")
        port = f":{owner['PORT']}" if owner.get("PORT") else ""
        options = {key: value for key, value in (owner.get("OPTIONS") or {}).items() if isinstance(value, str)}
        query = f"?{urlencode(options)}" if options else ""
        return f"postgres://{credentials}@{owner.get('HOST') or ''}{port}/{quote(owner['NAME'], safe='')}{query}"

    def _check(self, role: str, password: str | None) -> None:
        params = app_connection_params(connection.get_connection_params(), role=role, password=password)
        try:
            results = app_role_probe(params=params)
        except psycopg.OperationalError as error:
            raise CommandError(
                _("Không kết nối được bằng vai trò %(role)s: %(error)s") % {"role": role, "error": error}
            ) from None
        for result in results:
            verdict = _("bị từ chối") if result.refused else _("được phép")
            mark = _("đúng") if result.holds else _("SAI")
            self.stdout.write(f"  [{mark}] {result.table}: {result.operation} {verdict}")
        holes = [result for result in results if not result.holds]
        if holes:
            raise CommandError(
                _("Vai trò %(role)s không đúng giới hạn ở %(count)s phép thử, đầu tiên: %(table)s %(operation)s.")
                % {"role": role, "count": len(holes), "table": holes[0].table, "operation": holes[0].operation},
                returncode=EXIT_HOLE,
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Vai trò %(role)s đúng giới hạn: %(count)s phép thử trên các bảng nhật ký.")
                % {"role": role, "count": len(results)}
            )
        )
