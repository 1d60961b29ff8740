"""`manage.py audit_checkpoint --out FILE`: write the current signed checkpoint of the audit tree (JSON).

Records committed since the sequencer's last run are appended first, so the
checkpoint covers the whole trail. Keep FILE outside the system: later,
`audit_verify --witness FILE` proves the trail still extends it.
"""

import orjson
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from recognition.audit.signing import SigningKeyError
from recognition.management.database import DatabaseCommand
from recognition.services.audit_tree import AuditTreeBroken, checkpoint_current, checkpoint_json


class Command(DatabaseCommand):
    help = _("Ghi mốc kiểm tra đã ký hiện tại của nhật ký (JSON) để lưu ngoài hệ thống.")

    def add_arguments(self, parser):
        parser.add_argument("--out", metavar="FILE", help=_("Tệp ghi mốc (mặc định: in ra màn hình)."))

    def handle(self, *args, out=None, **options):
        try:
            checkpoint = checkpoint_current()
        except (SigningKeyError, AuditTreeBroken) as error:
            raise CommandError(str(error))
        if checkpoint is None:
            raise CommandError(_("Nhật ký chưa có bản ghi nào: chưa có mốc để ký."))
        content = orjson.dumps(checkpoint_json(checkpoint), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        if not out:
            self.stdout.write(content.decode(), ending="")
            return
        try:
            with open(out, "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise CommandError(_("Không ghi được %(path)s: %(error)s") % {"path": out, "error": error.strerror})
        self.stdout.write(
            _("Đã ghi mốc %(size)s lá, gốc %(root)s vào %(path)s.")
            % {"size": checkpoint.tree_size, "root": checkpoint.root_hash[:16], "path": out}
        )
