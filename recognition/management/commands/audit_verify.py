"""`manage.py audit_verify`: check the audit trail (chains, Merkle tree, signed checkpoints) or a bundle offline.

Exit status: 0 intact; 1 tampered (the first broken record is named); 2 a file is
unreadable or not a bundle/checkpoint; 3 a checkpoint or bundle is not trustworthy
(signed with another key, a broken signature, dated in the future). Nothing is
ever written, and no traceback is printed.
"""

import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from recognition.audit.bundle import bundle_verify
from recognition.audit.keys import trusted_public_keys
from recognition.audit.signing import SigningKeyError, public_keys_from_paths
from recognition.audit.verification import database_verify
from recognition.audit.witness import WitnessUnreadable, witness_checkpoints_load
from recognition.management.database import DatabaseCommand

EXIT_BROKEN = 1
EXIT_UNREADABLE = 2
EXIT_UNTRUSTED = 3


class Command(DatabaseCommand):
    help = _("Kiểm tra tính toàn vẹn của nhật ký (chuỗi băm, cây Merkle, mốc đã ký), hoặc của một gói nhật ký đã xuất.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--bundle", metavar="FILE", help=_("Kiểm tra một gói nhật ký (JSON) mà không cần cơ sở dữ liệu.")
        )
        parser.add_argument(
            "--witness",
            metavar="FILE",
            action="append",
            default=[],
            help=_("Tệp hoặc thư mục mốc kiểm tra đã ký giữ ngoài hệ thống; nhật ký phải nối tiếp đúng các mốc này."),
        )
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            action="append",
            default=[],
            help=_("Khóa công khai (PEM) được tin cậy; khi có, chỉ tin các khóa này."),
        )
        parser.add_argument(
            "--files", action="store_true", help=_("Băm lại các tệp đính kèm, tài liệu để phát hiện tệp bị thay.")
        )
        parser.add_argument("--max-problems", type=int, default=20, help=_("Số vấn đề liệt kê tối đa."))

    def database_needed(self, options: dict) -> bool:
        return not options.get("bundle")

    def handle(self, *args, bundle=None, witness=(), public_key=(), files=False, max_problems=20, **options):
        started = time.perf_counter()
        try:
            public_keys = public_keys_from_paths(list(public_key)) if public_key else trusted_public_keys()
        except SigningKeyError as error:
            raise CommandError(str(error), returncode=EXIT_UNREADABLE)
        if bundle:
            report = self._bundle(bundle, public_keys)
        else:
            witnesses = []
            for path in witness:
                try:
                    witnesses.extend(witness_checkpoints_load(path))
                except WitnessUnreadable as error:
                    raise CommandError(
                        _("KHÔNG ĐỌC ĐƯỢC MỐC: %(error)s") % {"error": error}, returncode=EXIT_UNREADABLE
                    )
            report = database_verify(
                check_files=files, max_problems=max_problems, witnesses=witnesses, public_keys=public_keys
            )
            if witnesses and not report.untrusted:
                self.stdout.write(
                    _("%(count)s mốc nhân chứng hợp lệ (chữ ký, thời điểm) đã được đối chiếu với cây nhật ký.")
                    % {"count": report.witnesses_checked}
                )
        elapsed = time.perf_counter() - started
        summary = _("%(records)s bản ghi, %(chains)s chuỗi, %(files)s tệp đã kiểm tra trong %(seconds).1f giây.") % {
            "records": report.records_checked,
            "chains": report.chains_checked,
            "files": report.files_checked,
            "seconds": elapsed,
        }
        for problem in report.untrusted:
            self.stderr.write("  - " + problem.describe())
        for problem in report.problems[:max_problems]:
            self.stderr.write("  - " + problem.describe())
        if report.untrusted:
            raise CommandError(
                _("MỐC KHÔNG ĐÁNG TIN: %(first)s. Không dùng mốc này làm bằng chứng. %(summary)s")
                % {"first": report.untrusted[0].describe(), "summary": summary},
                returncode=EXIT_UNTRUSTED,
            )
        if report.is_intact:
            self.stdout.write(self.style.SUCCESS(_("TOÀN VẸN: ") + summary))
            return
        raise CommandError(
            _("BỊ SỬA ĐỔI: %(count)s vấn đề. Bản ghi hỏng đầu tiên: %(first)s. %(summary)s")
            % {"count": report.problems_total, "first": report.problems[0].describe(), "summary": summary},
            returncode=EXIT_BROKEN,
        )

    def _bundle(self, path: str, public_keys: dict):
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": error.strerror},
                returncode=EXIT_UNREADABLE,
            )
        verdict = bundle_verify(raw, public_keys=public_keys)
        if verdict.error:
            raise CommandError(
                _("KHÔNG HỢP LỆ: %(path)s — %(error)s") % {"path": path, "error": verdict.error},
                returncode=EXIT_UNREADABLE,
            )
        if verdict.checkpoint_label:
            self.stdout.write(verdict.checkpoint_label)
        if verdict.head_hash:
            self.stdout.write(
                _("Gói nhật ký mô hình %(model)s, mã băm đầu chuỗi %(head)s (đối chiếu với hệ thống hoặc niêm phong).")
                % {"model": verdict.model_label, "head": verdict.head_hash}
            )
        return verdict.report
