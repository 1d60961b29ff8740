"""`manage.py flow_import FILE --definition ID [--user USERNAME]`: a JSON export becomes a new draft.

All or nothing: when the file is malformed, of an unknown schema version, or names
roles, levels, criteria or dossier fields this instance does not have, every problem
is listed and nothing is created.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from procedures.exchange import ImportRefused, draft_import
from procedures.models import ProcedureDefinition
from recognition.management.database import DatabaseCommand
from recognition.models import User


class Command(DatabaseCommand):
    help = _("Nhập một quy trình từ tệp JSON (xuất bằng “flow_export --format json”) thành bản nháp mới.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=_("Tệp JSON cần nhập."))
        parser.add_argument(
            "--definition", type=int, required=True, metavar="ID", help=_("Mã số của quy trình nhận bản nháp.")
        )
        parser.add_argument("--user", metavar="USERNAME", help=_("Người nhập (ghi vào nhật ký)."))

    def handle(self, *args, file: str, definition: int, user: str | None = None, **options):
        target = ProcedureDefinition.objects.filter(pk=definition).first()
        if target is None:
            raise CommandError(_("Không có quy trình mã số %(id)s (xem “flow_export --list”).") % {"id": definition})
        author = None
        if user:
            author = User.objects.filter(username=user, is_active=True).first()
            if author is None:
                raise CommandError(_("Không có người dùng đang hoạt động “%(user)s”.") % {"user": user})
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(_("Không đọc được %(path)s: %(error)s") % {"path": file, "error": error.strerror})
        try:
            version = draft_import(text=content, definition=target, author=author)
        except ImportRefused as refusal:
            lines = [_("Không nhập được %(path)s, chưa tạo gì:") % {"path": file}]
            lines += [f"- {problem}" for problem in refusal.problems]
            raise CommandError("\n".join(lines))
        self.stdout.write(
            _("Đã tạo bản nháp %(version)s (mã phiên bản %(id)s).") % {"version": version, "id": version.pk}
        )
