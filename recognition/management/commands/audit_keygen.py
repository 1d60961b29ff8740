"""`manage.py audit_keygen`: create the Ed25519 key pair that signs the audit checkpoints.

Writes the private key (PKCS#8 PEM, mode 0600) and its public half next to it
(`<name>.pub.pem`), and prints the key id. The private key stays on the machines
that run the sequencer (Celery worker); auditors and witnesses get the public key.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recognition.audit.signing import key_id, private_key_generate, private_key_pem, public_key_pem


class Command(BaseCommand):
    help = _("Tạo cặp khóa Ed25519 ký mốc kiểm tra nhật ký (khóa bí mật không bao giờ lưu trong cơ sở dữ liệu).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            metavar="FILE",
            help=_("Tệp khóa bí mật (mặc định: KHEO_AUDIT_SIGNING_KEY_FILE); khóa công khai ghi vào FILE.pub.pem."),
        )
        parser.add_argument(
            "--if-missing", action="store_true", help=_("Không làm gì nếu tệp khóa đã có (dùng cho make run).")
        )

    def handle(self, *args, out=None, if_missing=False, **options):
        out = out or getattr(settings, "KHEO_AUDIT_SIGNING_KEY_FILE", "")
        if not out:
            raise CommandError(_("Hãy chỉ tệp khóa bằng --out hoặc đặt KHEO_AUDIT_SIGNING_KEY_FILE."))
        path = Path(out)
        if path.exists():
            if if_missing:
                return
            raise CommandError(
                _("Tệp %(path)s đã có: không ghi đè khóa ký (khi thay khóa, hãy tạo khóa mới ở tệp khác).")
                % {"path": path}
            )
        key = private_key_generate()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(private_key_pem(key))
            public_path = path.with_name(path.name.removesuffix(".pem") + ".pub.pem")
            public_path.write_bytes(public_key_pem(key.public_key()))
        except OSError as error:
            raise CommandError(
                _("Không ghi được khóa vào %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            )
        self.stdout.write(
            _("Đã tạo khóa ký %(key)s: khóa bí mật %(private)s, khóa công khai %(public)s.")
            % {"key": key_id(key.public_key()), "private": path, "public": public_path}
        )
