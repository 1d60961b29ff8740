"""Registering many models from one Excel sheet: the template, reading the rows, all or nothing.

Each row is validated with the registration page's form and registered through the same
service (`registration_submit`, one audit record per model). One bad row and nothing is
registered; every problem is listed, naming its row and column.
"""

import datetime
from dataclasses import dataclass
from io import BytesIO
from zipfile import BadZipFile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from recognition.forms import DossierForm
from recognition.models import Campaign, CollectiveKind, Field, ModelKind, MovementModel, Unit, User
from recognition.names import name_normalise
from recognition.services.registration import unit_ancestors, units_registrable_by

from .services import registration_submit

# The largest sheet one upload takes: a commune registers 5–10 models, a province's standing body a few hundred.
MAX_ROWS = 1000


@dataclass(frozen=True)
class Column:
    key: str  # the form field it fills, or "unit"
    header: object  # lazy Vietnamese header, as written in row 1 of the template


COLUMNS = (
    Column("unit", gettext_lazy("Đơn vị (mã số hoặc tên, có thể ghi “Cấp trên / Đơn vị”)")),
    Column("field", gettext_lazy("Lĩnh vực (mã hoặc tên)")),
    Column("kind", gettext_lazy("Loại (Mô hình / Điển hình)")),
    Column("collective_kind", gettext_lazy("Tập thể / Cá nhân")),
    Column("name", gettext_lazy("1. Tên mô hình, điển hình")),
    Column("situation", gettext_lazy("2. Sự cần thiết, lý do xây dựng")),
    Column("objectives", gettext_lazy("3. Mục tiêu và tiêu chí đo lường")),
    Column("content_and_method", gettext_lazy("4. Nội dung, cách thức thực hiện")),
    Column("scope", gettext_lazy("5. Phạm vi, đối tượng")),
    Column("forces", gettext_lazy("6. Lực lượng chủ trì, phối hợp và vai trò")),
    Column("budget_vnd", gettext_lazy("7a. Kinh phí (đồng)")),
    Column("work_days", gettext_lazy("7b. Ngày công")),
    Column("private_contribution_vnd", gettext_lazy("7c. Xã hội hóa (đồng)")),
    Column("starts_on", gettext_lazy("8a. Ngày bắt đầu (dd/mm/yyyy)")),
    Column("milestones", gettext_lazy("8b. Các mốc thực hiện")),
    Column("self_evaluation_on", gettext_lazy("8c. Ngày tự đánh giá (dd/mm/yyyy)")),
    Column("outputs", gettext_lazy("9. Sản phẩm, kết quả kiểm chứng được")),
    Column("sustainability", gettext_lazy("10. Tính bền vững, khả năng nhân rộng")),
    Column("contact_name", gettext_lazy("Người liên hệ")),
    Column("contact_phone", gettext_lazy("Điện thoại liên hệ")),
    Column("confirm_duplicate", gettext_lazy("Xác nhận không trùng (ghi “có” nếu tên gần giống mô hình đã đăng ký)")),
)
_HEADER_OF = {column.key: column.header for column in COLUMNS}
_YES = {"co", "x", "yes", "true", "1"}


class ImportProblems(Exception):
    """The sheet was refused; `problems` are the Vietnamese sentences to show, in row order."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _unit_label(unit: Unit) -> str:
    return " / ".join([*(ancestor.name for ancestor in unit_ancestors(unit)), unit.name])


def import_template(*, user: User) -> bytes:
    """The workbook to fill in: the columns, an example row, and the lists it may name."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Đăng ký")
    sheet.append([str(column.header) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    units = workbook.create_sheet(_("Đơn vị"))
    units.append([_("Mã số"), _("Đơn vị")])
    for unit in units_registrable_by(user=user):
        units.append([unit.pk, _unit_label(unit)])
    fields = workbook.create_sheet(_("Lĩnh vực"))
    fields.append([_("Mã"), _("Tên lĩnh vực")])
    for field in Field.objects.filter(is_active=True):
        fields.append([field.code, field.name])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_rows(workbook_file) -> list[tuple[int, dict[str, str]]]:
    try:
        workbook = load_workbook(workbook_file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        raise ImportProblems([_("Không đọc được tệp: hãy dùng tệp Excel (.xlsx) theo mẫu tải về.")]) from None
    sheet = workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True), start=2):
        cells = {column.key: _text(value) for column, value in zip(COLUMNS, values, strict=False)}
        if any(cells.values()):
            rows.append((number, cells))
    workbook.close()
    if not rows:
        raise ImportProblems([_("Tệp không có dòng nào để đăng ký (dữ liệu bắt đầu từ dòng 2).")])
    if len(rows) > MAX_ROWS:
        raise ImportProblems(
            [_("Tệp có %(count)s dòng; mỗi lần nhập tối đa %(max)s dòng.") % {"count": len(rows), "max": MAX_ROWS}]
        )
    return rows


def _problem(row: int, key: str | None, message) -> str:
    if key is None or key not in _HEADER_OF:
        return _("Dòng %(row)s: %(message)s") % {"row": row, "message": message}
    return _("Dòng %(row)s, cột “%(column)s”: %(message)s") % {
        "row": row,
        "column": _HEADER_OF[key],
        "message": message,
    }


def _choice(value: str, choices) -> str | None:
    wanted = name_normalise(value)
    for code, label in choices:
        if wanted in (name_normalise(code), name_normalise(str(label))):
            return code
    return None


class _UnitResolver:
    """Finds a unit of the user's registering scope by its id, its name, or "Parent / Name"."""

    def __init__(self, user: User):
        self.units = list(units_registrable_by(user=user))
        self.by_pk = {unit.pk: unit for unit in self.units}

    def resolve(self, value: str) -> tuple[Unit | None, str | None]:
        if value.isdigit():
            unit = self.by_pk.get(int(value))
            return (
                (unit, None)
                if unit
                else (None, _("không có đơn vị mã số %(value)s trong phạm vi bạn được đăng ký.") % {"value": value})
            )
        parts = [name_normalise(part) for part in value.split("/") if part.strip()]
        found = [unit for unit in self.units if self._matches(unit, parts)]
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, _("không tìm thấy đơn vị “%(value)s” trong phạm vi bạn được đăng ký.") % {"value": value}
        return None, _(
            "có nhiều đơn vị tên “%(value)s”: ghi thêm đơn vị cấp trên (“Cấp trên / Đơn vị”) hoặc mã số."
        ) % {"value": value}

    @staticmethod
    def _matches(unit: Unit, parts: list[str]) -> bool:
        if not parts or name_normalise(unit.name) != parts[-1]:
            return False
        if len(parts) == 1:
            return True
        names = [name_normalise(ancestor.name) for ancestor in unit_ancestors(unit)]
        return names[-(len(parts) - 1) :] == parts[:-1]


def _form_data(cells: dict[str, str], *, campaign: Campaign, unit: Unit | None, user: User) -> dict:
    data = {key: value for key, value in cells.items() if key not in ("unit", "field", "kind", "collective_kind")}
    data["campaign"] = str(campaign.pk)
    data["confirm_duplicate"] = "on" if name_normalise(cells.get("confirm_duplicate", "")) in _YES else ""
    if unit is not None and unit.pk != user.unit_id:
        data["unit"] = str(unit.pk)
    field_value = cells.get("field", "")
    field = Field.objects.filter(is_active=True, code=field_value).first() or next(
        (f for f in Field.objects.filter(is_active=True) if name_normalise(f.name) == name_normalise(field_value)),
        None,
    )
    data["field"] = str(field.pk) if field else ("?" if field_value else "")
    data["kind"] = _choice(cells.get("kind", ""), ModelKind.choices) or cells.get("kind", "")
    data["collective_kind"] = _choice(cells.get("collective_kind", ""), CollectiveKind.choices) or cells.get(
        "collective_kind", ""
    )
    return data


def registrations_import(*, submitted_by: User, campaign: Campaign, workbook_file) -> list[MovementModel]:
    """Register every row of the sheet in `campaign`, or none.

    Raises ImportProblems listing every problem ("Dòng 3, cột “Lĩnh vực”: …"): the
    rows are all checked with the form first, then registered one by one inside one
    transaction; a refusal by the service (quota, duplicate name, scope) rolls every
    row back.
    """
    rows = _read_rows(workbook_file)
    resolver = _UnitResolver(submitted_by)
    problems: list[str] = []
    valid: list[tuple[int, DossierForm]] = []
    for number, cells in rows:
        unit, unit_problem = (None, None)
        if cells.get("unit"):
            unit, unit_problem = resolver.resolve(cells["unit"])
        else:
            unit_problem = _("bắt buộc.")
        if unit_problem:
            problems.append(_problem(number, "unit", unit_problem))
        form = DossierForm(data=_form_data(cells, campaign=campaign, unit=unit, user=submitted_by), user=submitted_by)
        if not form.is_valid():
            for key, errors in form.errors.get_json_data().items():
                if key == "unit" and unit_problem:
                    continue  # already said, in the sheet's words
                for error in errors:
                    column = key if key in _HEADER_OF else None
                    problems.append(_problem(number, column, error["message"]))
        elif unit is not None:
            valid.append((number, form))
    if problems:
        raise ImportProblems(problems)

    registered = []
    with transaction.atomic():
        for number, form in valid:
            try:
                registered.append(
                    registration_submit(
                        submitted_by=submitted_by,
                        campaign=campaign,
                        data=form.dossier_data(),
                        **form.registration_options(),
                    )
                )
            except ValidationError as error:
                by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                for key, messages in by_field.items():
                    for message in messages:
                        problems.append(_problem(number, key, message))
            except PermissionDenied as error:
                problems.append(_problem(number, "unit", str(error)))
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportProblems(problems)
    return registered
