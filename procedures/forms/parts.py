"""The forms of the designer's edit page, one per part of a spec (a stage, a row of a list, the rest).

They check types only (a number is a number); whether the content makes sense is
`procedures.validation`'s job, and its problems never stop a draft from being saved.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.labels import (
    AGGREGATION_LABELS,
    PERFORMER_UNIT_LABELS,
    SURVEY_NOT_RECOMMENDED_LABELS,
    anchor_label,
    stage_title,
)
from procedures.spec import APPROVAL_ANCHORS, SKIPPABLE_STAGES, Aggregation, SurveyNotRecommended
from recognition.models import Criterion, Level, MovementModel
from recognition.roles import Role
from recognition.services.registration import DOSSIER_FIELDS

PROBLEM_CSS = "kheo-problem"


@dataclass(frozen=True)
class DesignerChoices:
    """The options the selects offer, read once per request."""

    performer_units: list[tuple[str, str]]
    criteria: dict[str, list[tuple[str, str]]]  # kind → [(code, name)] of the catalogue
    level_names: dict[str, str]


def designer_choices() -> DesignerChoices:
    levels = list(Level.objects.order_by("rank").values_list("code", "name"))
    criteria: dict[str, list[tuple[str, str]]] = {kind: [] for kind in Criterion.AppliesTo.values}
    for code, name, kind in Criterion.objects.order_by("applies_to", "order", "pk").values_list(
        "code", "name", "applies_to"
    ):
        criteria.setdefault(kind, []).append((code, f"{code} — {name}"))
    units = [(value, str(label)) for value, label in PERFORMER_UNIT_LABELS.items()] + levels
    return DesignerChoices(performer_units=units, criteria=criteria, level_names=dict(levels))


def _with_current(choices: list[tuple[str, str]], current) -> list[tuple[str, str]]:
    """Keep a value the catalogue no longer offers selectable, so the draft still saves (validation names it)."""
    if current and current not in {value for value, _label in choices}:
        return [*choices, (current, current)]
    return choices


BLANK = [("", "—")]


def _keep_current_role(form: forms.Form, field: str) -> None:
    form.fields[field].choices = _with_current(list(Role.choices), (form.initial or {}).get(field))


def _blank_first(form: forms.Form) -> None:
    """A row of a list starts empty, so an untouched blank row is not taken as a new entry."""
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField) and (not field.choices or list(field.choices)[0][0] != ""):
            field.choices = BLANK + list(field.choices)


def offsets_text(offsets) -> str:
    return ", ".join(str(offset) for offset in offsets)


class StageForm(forms.Form):
    enabled = forms.BooleanField(label=_("Áp dụng bước này"), required=False)
    performer_role = forms.ChoiceField(label=_("Vai trò thực hiện"), choices=Role.choices)
    performer_unit = forms.ChoiceField(label=_("Đơn vị thực hiện"))
    sla_working_days = forms.IntegerField(label=_("Thời hạn (ngày làm việc)"))
    reminder_offsets = forms.CharField(
        label=_("Mốc nhắc việc"),
        required=False,
        help_text=_(
            "Số ngày làm việc so với hạn, cách nhau bởi dấu phẩy; ví dụ: -2, 0 (2 ngày trước hạn và đúng hạn)."
        ),
    )
    clock_paused = forms.BooleanField(label=_("Dừng tính thời hạn khi hồ sơ đang trả về đơn vị"), required=False)

    def __init__(self, *args, stage_name: str, choices: DesignerChoices, current_unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.stage_name = stage_name
        self.title = stage_title(stage_name)
        self.fields["performer_unit"].choices = _with_current(choices.performer_units, current_unit)
        _keep_current_role(self, "performer_role")
        if stage_name not in SKIPPABLE_STAGES:
            self.fields["enabled"].disabled = True
            self.fields["enabled"].help_text = _("Bước bắt buộc của quy trình, không tắt được.")

    def clean_reminder_offsets(self) -> list[int]:
        text = self.cleaned_data["reminder_offsets"].strip()
        if not text:
            return []
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Nhập các số nguyên cách nhau bởi dấu phẩy, ví dụ: -2, 0.")) from None

    def clean_enabled(self) -> bool:
        # A standard stage that cannot be skipped stays on whatever is posted (the field is disabled).
        return True if self.stage_name not in SKIPPABLE_STAGES else self.cleaned_data["enabled"]


class EscalationForm(forms.Form):
    after_working_days = forms.IntegerField(label=_("Sau (ngày làm việc)"))
    supervisor_role = forms.ChoiceField(label=_("Chuyển cho vai trò"), choices=Role.choices)
    reassign = forms.BooleanField(label=_("Giao lại việc"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _keep_current_role(self, "supervisor_role")
        _blank_first(self)


class ApprovalStepForm(forms.Form):
    key = forms.SlugField(label=_("Mã bước"), max_length=50)
    title = forms.CharField(label=_("Tên bước"), max_length=200)
    after = forms.ChoiceField(
        label=_("Vị trí"), choices=[(anchor, anchor_label(anchor)) for anchor in APPROVAL_ANCHORS]
    )
    performer_role = forms.ChoiceField(label=_("Vai trò thực hiện"), choices=Role.choices)
    performer_unit = forms.ChoiceField(label=_("Đơn vị thực hiện"))
    sla_working_days = forms.IntegerField(label=_("Thời hạn (ngày làm việc)"))

    def __init__(self, *args, choices: DesignerChoices, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.initial or {}).get("performer_unit", "")
        self.fields["performer_unit"].choices = _with_current(choices.performer_units, current)
        _keep_current_role(self, "performer_role")
        _blank_first(self)


class CriterionForm(forms.Form):
    code = forms.ChoiceField(label=_("Tiêu chí (mã trong danh mục)"))
    name = forms.CharField(label=_("Tên tiêu chí"), max_length=500)
    max_points = forms.IntegerField(label=_("Điểm tối đa"))
    weight = forms.DecimalField(label=_("Hệ số"), max_digits=6, decimal_places=2, initial=1)

    def __init__(self, *args, catalogue: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.initial or {}).get("code", "")
        self.fields["code"].choices = [*BLANK, *_with_current(catalogue, current)]


def _dossier_field_choices() -> list[tuple[str, str]]:
    return [(name, MovementModel._meta.get_field(name).verbose_name) for name in DOSSIER_FIELDS]


class GeneralForm(forms.Form):
    required_dossier_fields = forms.MultipleChoiceField(
        label=_("Trường hồ sơ bắt buộc"), required=False, widget=forms.CheckboxSelectMultiple
    )
    min_attachments = forms.IntegerField(label=_("Số tệp đính kèm tối thiểu"))
    pass_threshold = forms.DecimalField(label=_("Ngưỡng công nhận (điểm)"), max_digits=7, decimal_places=2)
    outstanding_threshold = forms.DecimalField(label=_("Ngưỡng tiêu biểu (điểm)"), max_digits=7, decimal_places=2)
    aggregation = forms.ChoiceField(
        label=_("Cách tổng hợp điểm của hội đồng"),
        choices=[(value, AGGREGATION_LABELS[value]) for value in Aggregation.ALL],
    )
    quorum = forms.IntegerField(
        label=_("Số phiếu tối thiểu của hội đồng"), help_text=_("0: mọi thành viên hội đồng phải chấm.")
    )
    survey_not_recommended = forms.ChoiceField(
        label=_("Khi tổ khảo sát không đề nghị công nhận"),
        choices=[(value, SURVEY_NOT_RECOMMENDED_LABELS[value]) for value in SurveyNotRecommended.ALL],
        widget=forms.RadioSelect,
    )
    decision_number_format = forms.CharField(
        label=_("Mẫu số quyết định"), max_length=100, help_text=_("{number} là số thứ tự; ví dụ: {number}-QĐ/BCĐ.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.initial or {}).get("required_dossier_fields", [])
        unknown = [(name, name) for name in current if name not in DOSSIER_FIELDS]
        self.fields["required_dossier_fields"].choices = _dossier_field_choices() + unknown


EscalationFormSet = forms.formset_factory(EscalationForm, extra=1, can_delete=True)
ApprovalStepFormSet = forms.formset_factory(ApprovalStepForm, extra=1, can_delete=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do ban hành"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # the service refuses an empty reason with its own message
        help_text=_("Bắt buộc: ghi căn cứ, văn bản hướng dẫn hoặc lý do thay đổi quy trình."),
    )
