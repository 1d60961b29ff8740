from accounts.demo import DEMO_TOTP_SECRET
from recognition.management.database import DatabaseCommand
from workflows.demo import DEMO_PASSWORD, demo_cast_ensure, demo_models_ensure
from workflows.demo_awards import demo_awards_ensure
from workflows.demo_council import demo_council_ensure
from workflows.demo_followups import demo_followups_ensure
from workflows.demo_procedures import demo_procedures_ensure
from workflows.demo_registration import demo_registration_ensure


class Command(DatabaseCommand):
    help = "Tạo dữ liệu mẫu (chạy lại nhiều lần không tạo trùng): đơn vị, người dùng theo vai trò, ~200 mô hình."

    def add_arguments(self, parser):
        parser.add_argument("--models", type=int, default=200, help="Số mô hình mẫu của đợt năm nay.")

    def handle(self, *args, models: int, **options):
        cast = demo_cast_ensure()
        added = demo_models_ensure(cast=cast, count=models)
        # A commune's campaign with its own council: a recusal, the chair's close, a case ended.
        demo_council_ensure(cast=cast)
        # Adoptions reported on through their follow-up tasks, re-reviews both ways.
        demo_followups_ensure(cast=cast)
        # A residential area registered on its behalf, quotas, a commune's model nominated to the province.
        demo_registration_ensure(cast=cast)
        # After the decisions (it proposes recognised tiêu biểu models), under the national procedure.
        demo_awards_ensure(cast=cast)
        # The province's own procedure (and two models under it) once the national models exist.
        demo_procedures_ensure(cast=cast)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {cast.province} — {added} models added, "
                f"users {', '.join(cast.users)} (password {DEMO_PASSWORD}; quantri and kiemtra also need "
                f"a TOTP code: demo key {DEMO_TOTP_SECRET}, or `python manage.py demo_otp_code quantri`)."
            )
        )
