"""The forms of the migration and simulation pages (the API validates with the same forms)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.migration import ORPHAN_CANCEL, ORPHAN_KEEP
from procedures.models import ProcedureVersion
from procedures.spec import SKIPPABLE_STAGES
from recognition.audit.labels import NODE_LABELS

from .procedure_simulation import last_year

ORPHAN_FIELD_CHOICES = [
    ("", _("Chưa chọn (hồ sơ có nhiệm vụ ở bước này sẽ không chuyển được)")),
    (ORPHAN_CANCEL, _("Hủy nhiệm vụ và chuyển sang bước tiếp theo")),
    (ORPHAN_KEEP, _("Giữ nhiệm vụ đến khi xử lý xong")),
]


class IdListField(forms.Field):
    """A list of record ids (checkboxes of one name, or a JSON array)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Danh sách hồ sơ không hợp lệ.")}

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(pk <= 0 or pk > 2**31 - 1 for pk in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


def orphan_field_name(stage: str) -> str:
    return f"orphan_{stage}"


class MigrationForm(forms.Form):
    processes = IdListField(label=_("Hồ sơ"), error_messages={"required": _("Hãy chọn ít nhất một hồ sơ.")})
    target = forms.ModelChoiceField(
        label=_("Phiên bản đích"),
        queryset=ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).select_related("definition"),
        error_messages={"invalid_choice": _("Chỉ chuyển được sang một phiên bản đang áp dụng.")},
    )
    reason = forms.CharField(label=_("Lý do chuyển"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stage in sorted(SKIPPABLE_STAGES):
            self.fields[orphan_field_name(stage)] = forms.ChoiceField(
                label=_("Nhiệm vụ đang mở ở bước “%(stage)s” khi phiên bản đích bỏ bước này")
                % {"stage": NODE_LABELS.get(stage, stage)},
                choices=ORPHAN_FIELD_CHOICES,
                required=False,
            )

    def orphan_choices(self) -> dict[str, str]:
        return {
            stage: self.cleaned_data[orphan_field_name(stage)]
            for stage in sorted(SKIPPABLE_STAGES)
            if self.cleaned_data.get(orphan_field_name(stage))
        }

    def orphan_fields(self):
        return [self[orphan_field_name(stage)] for stage in sorted(SKIPPABLE_STAGES)]


class MigrationFilterForm(forms.Form):
    """Which running processes the page lists for selection."""

    q = forms.CharField(label=_("Tên mô hình"), required=False)
    version = forms.ModelChoiceField(
        label=_("Đang theo phiên bản"),
        queryset=ProcedureVersion.objects.exclude(status=ProcedureVersion.Status.DRAFT).select_related("definition"),
        required=False,
    )


class SimulationForm(forms.Form):
    draft = forms.ModelChoiceField(
        label=_("Bản nháp"),
        queryset=ProcedureVersion.objects.filter(status=ProcedureVersion.Status.DRAFT).select_related("definition"),
        error_messages={"invalid_choice": _("Chỉ mô phỏng được một bản nháp.")},
    )
    start = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    end = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def period(self) -> tuple[date, date]:
        default = last_year(timezone.localdate())
        return (self.cleaned_data.get("start") or default[0], self.cleaned_data.get("end") or default[1])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        return cleaned
