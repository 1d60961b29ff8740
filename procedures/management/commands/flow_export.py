"""`manage.py flow_export --definition ID --format bpmn|json|svg [--version N] [--out FILE]`, or `--list`.

Writes the same files as the designer page: the published version by default, any
version with `--version N`; to standard output unless `--out` is given.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from procedures.exchange import ExportRefused, version_bpmn, version_json, version_svg
from procedures.models import ProcedureDefinition, ProcedureVersion
from recognition.management.database import DatabaseCommand

WRITERS = {"bpmn": version_bpmn, "json": version_json, "svg": version_svg}


class Command(DatabaseCommand):
    help = _(
        "Xuất một phiên bản quy trình ra tệp BPMN 2.0, JSON (nhập được vào hệ thống khác) hoặc SVG; "
        "“--list” liệt kê các phiên bản cùng mã số."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # "--version N" is this command's version number, not Django's own --version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help=_("Liệt kê mọi phiên bản quy trình cùng mã số."))
        parser.add_argument("--definition", type=int, metavar="ID", help=_("Mã số của quy trình."))
        parser.add_argument(
            "--format", choices=sorted(WRITERS), dest="output_format", help=_("Định dạng tệp: bpmn, json hoặc svg.")
        )
        parser.add_argument(
            "--version",
            type=int,
            metavar="N",
            dest="version_number",
            help=_("Số phiên bản (mặc định: phiên bản đang áp dụng)."),
        )
        parser.add_argument("--out", metavar="FILE", help=_("Tệp ghi kết quả (mặc định: in ra màn hình)."))

    def handle(self, *args, **options):
        if options["list"]:
            self.versions_list()
            return
        if options["definition"] is None or options["output_format"] is None:
            raise CommandError(_("Cần chỉ rõ “--definition ID” và “--format bpmn|json|svg” (hoặc dùng “--list”)."))
        version = version_find(options["definition"], options["version_number"])
        try:
            content = WRITERS[options["output_format"]](version)
        except ExportRefused as refusal:
            raise CommandError(str(refusal))
        out = options["out"]
        if not out:
            self.stdout.write(content, ending="")
            return
        try:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(content)
        except OSError as error:
            raise CommandError(_("Không ghi được %(path)s: %(error)s") % {"path": out, "error": error.strerror})
        self.stdout.write(_("Đã ghi %(version)s vào %(path)s.") % {"version": version, "path": out})

    def versions_list(self):
        versions = ProcedureVersion.objects.select_related("definition__owner_unit").order_by("definition_id", "number")
        if not versions:
            self.stdout.write(_("Chưa có phiên bản quy trình nào."))
            return
        header = [_("Mã quy trình"), _("Quy trình"), _("Đơn vị sở hữu"), _("Mã phiên bản"), _("Số"), _("Trạng thái")]
        self.stdout.write("\t".join(header))
        for version in versions:
            owner = version.definition.owner_unit
            row = [
                str(version.definition_id),
                version.definition.name,
                owner.name if owner is not None else _("Toàn quốc"),
                str(version.pk),
                str(version.number),
                str(version.get_status_display()),
            ]
            self.stdout.write("\t".join(row))


def version_find(definition_id: int, number: int | None) -> ProcedureVersion:
    definition = ProcedureDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        raise CommandError(_("Không có quy trình mã số %(id)s (xem “flow_export --list”).") % {"id": definition_id})
    versions = definition.versions.select_related("definition")
    if number is None:
        version = versions.filter(status=ProcedureVersion.Status.PUBLISHED).first()
        if version is None:
            raise CommandError(
                _("Quy trình “%(name)s” chưa có phiên bản đang áp dụng: hãy chọn “--version N”.")
                % {"name": definition.name}
            )
        return version
    version = versions.filter(number=number).first()
    if version is None:
        raise CommandError(
            _("Quy trình “%(name)s” không có phiên bản số %(number)s.") % {"name": definition.name, "number": number}
        )
    return version
