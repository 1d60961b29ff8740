"""`manage.py audit_verify`: check every audit chain (or an exported bundle, offline).

Exit status: 0 when intact, 1 when a record is broken (the first one is named),
2 when the bundle file is unreadable or not a bundle.
"""

import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from recognition.audit.bundle import bundle_verify
from recognition.audit.verification import database_verify
from recognition.management.database import DatabaseCommand

EXIT_BROKEN = 1
EXIT_UNREADABLE = 2


class Command(DatabaseCommand):
    help = _("Kiểm tra tính toàn vẹn của nhật ký (chuỗi băm), hoặc của một gói nhật ký đã xuất.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--bundle", metavar="FILE", help=_("Kiểm tra một gói nhật ký (JSON) mà không cần cơ sở dữ liệu.")
        )
        parser.add_argument(
            "--files", action="store_true", help=_("Băm lại các tệp đính kèm, tài liệu để phát hiện tệp bị thay.")
        )
        parser.add_argument("--max-problems", type=int, default=20, help=_("Số vấn đề liệt kê tối đa."))

    def database_needed(self, options: dict) -> bool:
        return not options.get("bundle")

    def handle(self, *args, bundle=None, files=False, max_problems=20, **options):
        started = time.perf_counter()
        if bundle:
            report = self._bundle(bundle)
        else:
            report = database_verify(check_files=files, max_problems=max_problems)
        elapsed = time.perf_counter() - started
        summary = _("%(records)s bản ghi, %(chains)s chuỗi, %(files)s tệp đã kiểm tra trong %(seconds).1f giây.") % {
            "records": report.records_checked,
            "chains": report.chains_checked,
            "files": report.files_checked,
            "seconds": elapsed,
        }
        if report.is_intact:
            self.stdout.write(self.style.SUCCESS(_("TOÀN VẸN: ") + summary))
            return
        for problem in report.problems[:max_problems]:
            self.stderr.write("  - " + problem.describe())
        first = report.problems[0].describe()
        raise CommandError(
            _("BỊ SỬA ĐỔI: %(count)s vấn đề. Bản ghi hỏng đầu tiên: %(first)s. %(summary)s")
            % {"count": report.problems_total, "first": first, "summary": summary},
            returncode=EXIT_BROKEN,
        )

    def _bundle(self, path: str):
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": error.strerror},
                returncode=EXIT_UNREADABLE,
            )
        verdict = bundle_verify(raw)
        if verdict.error:
            raise CommandError(
                _("KHÔNG HỢP LỆ: %(path)s — %(error)s") % {"path": path, "error": verdict.error},
                returncode=EXIT_UNREADABLE,
            )
        if verdict.head_hash:
            self.stdout.write(
                _("Gói nhật ký mô hình %(model)s, mã băm đầu chuỗi %(head)s (đối chiếu với hệ thống hoặc niêm phong).")
                % {"model": verdict.model_label, "head": verdict.head_hash}
            )
        return verdict.report
