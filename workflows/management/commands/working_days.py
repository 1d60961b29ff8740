"""`working_days add YYYY-MM-DD N` prints the due date; `working_days between A B` the working days between."""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from recognition.management.database import DatabaseCommand
from workflows.deadlines.calendar import working_calendar


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Ngày “%(value)s” không hợp lệ; hãy viết theo dạng YYYY-MM-DD.") % {"value": value})


def _count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        count = -1
    if count < 0:
        raise CommandError(_("Số ngày làm việc phải là số nguyên không âm, không phải “%(value)s”.") % {"value": value})
    return count


class Command(DatabaseCommand):
    help = _("Tính ngày theo lịch làm việc (trừ thứ Bảy, Chủ nhật, ngày lễ, Tết và các ngày điều chỉnh).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help=_("Ngày kết thúc thời hạn N ngày làm việc tính từ một ngày."))
        add.add_argument("start")
        add.add_argument("count")
        between = commands.add_parser("between", help=_("Số ngày làm việc sau ngày A đến hết ngày B."))
        between.add_argument("start")
        between.add_argument("end")

    def handle(self, *args, **options):
        calendar = working_calendar()
        if options["action"] == "add":
            result = calendar.add_working_days(_date(options["start"]), _count(options["count"]))
            self.stdout.write(result.isoformat())
        else:
            self.stdout.write(str(calendar.working_days_between(_date(options["start"]), _date(options["end"]))))
