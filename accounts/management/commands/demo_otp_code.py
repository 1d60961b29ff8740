from django.core.management.base import CommandError

from accounts.demo import DEMO_TOTP_SECRET, demo_totp_code
from recognition.management.database import DatabaseCommand
from recognition.models import User


class Command(DatabaseCommand):
    help = (
        "In mã xác thực hai bước hiện tại của tài khoản mẫu (quantri, kiemtra) — chỉ với khóa TOTP mẫu "
        f"đã công bố ({DEMO_TOTP_SECRET}); không bao giờ in mã của tài khoản thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="quantri")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        code = demo_totp_code(user=user) if user is not None else None
        if code is None:
            raise CommandError(f"“{username}” không phải tài khoản mẫu dùng khóa TOTP mẫu.")
        self.stdout.write(code)
