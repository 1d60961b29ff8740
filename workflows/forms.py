"""One form per human task. The web view and the API validate through the same class.

Every form takes `movement_model` and `user` keyword arguments, and exposes
`audit_values()`: the submitted values as they are recorded in the audit trail.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from recognition.forms import DossierForm, MultipleFileField
from recognition.models import (
    REPLICATION_STATUS_ORDER,
    ApprovalOutcome,
    ReplicationStatus,
    ReReviewOutcome,
    SurveyRecommendation,
    Unit,
)
from recognition.services.replication import adopting_unit_problem

from .pinning import pinned_rubric


def _jsonable(value):
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "all"):
        return [v.pk for v in value.all()]
    return value


class TaskForm(forms.Form):
    def __init__(self, *args, movement_model, user, **kwargs):
        self.movement_model = movement_model
        self.user = user
        super().__init__(*args, **kwargs)

    def audit_values(self) -> dict:
        return {name: _jsonable(value) for name, value in self.cleaned_data.items() if name != "attachments"}


class DossierCheckForm(TaskForm):
    class Decision:
        ACCEPT = "accept"
        RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Kết luận"),
        choices=[
            (Decision.ACCEPT, _("Hồ sơ hợp lệ, chuyển khảo sát")),
            (Decision.RETURN, _("Trả lại đơn vị để bổ sung")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Lý do / nội dung cần bổ sung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.Decision.RETURN and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Phải ghi rõ lý do và nội dung cần bổ sung khi trả lại hồ sơ."))
        return cleaned


class RevisionForm(DossierForm):
    """The unit corrects its returned dossier."""

    def __init__(self, *args, movement_model, user, **kwargs):
        self.movement_model = movement_model
        super().__init__(*args, user=user, include_campaign=False, instance=movement_model, **kwargs)

    def audit_values(self) -> dict:
        return {name: _jsonable(value) for name, value in self.dossier_data().items()}


class SurveyForm(TaskForm):
    visited_on = forms.DateField(label=_("Ngày khảo sát"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    findings = forms.CharField(label=_("Kết quả khảo sát"), widget=forms.Textarea(attrs={"rows": 6}))
    recommendation = forms.ChoiceField(label=_("Kiến nghị của tổ khảo sát"), choices=SurveyRecommendation.choices)
    attachments = MultipleFileField()

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("Ngày khảo sát không được sau ngày hôm nay."))
        return visited_on


class CouncilScoreForm(TaskForm):
    """One integer field per criterion of the pinned rubric that applies to the model (its maximum as the bound)."""

    comment = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, movement_model, user, rubric=None, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, **kwargs)
        self.rubric = pinned_rubric(movement_model) if rubric is None else tuple(rubric)
        for criterion in self.rubric:
            self.fields[f"criterion_{criterion.code}"] = forms.IntegerField(
                label=f"{criterion.name} (0–{criterion.max_points})",
                min_value=0,
                max_value=criterion.max_points,
            )
        # Show the criteria before the comment.
        self.order_fields([f"criterion_{c.code}" for c in self.rubric] + ["comment"])

    def points(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"criterion_{c.code}"] for c in self.rubric}


class RecognitionForm(TaskForm):
    """Sign a decision for this model alone; the number is allocated when it is issued.

    A decision covering many models is assembled on the decisions page.
    """

    signed_on = forms.DateField(label=_("Ngày ký"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    summary = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)

    def __init__(self, *args, movement_model, user, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, **kwargs)
        assembly = reverse("decisions:assemble", args=[movement_model.campaign_id])
        self.fields["signed_on"].help_text = format_html(
            '{} <a href="{}?model={}">{}</a>',
            _("Số quyết định được cấp khi ban hành. Quyết định cho riêng mô hình này; để gộp nhiều mô hình:"),
            assembly,
            movement_model.pk,
            _("lập quyết định cho nhiều mô hình"),
        )


class UnitPickerWidget(forms.TextInput):
    """The adopting units as a comma-separated list of ids, filled by searching the unit tree by name.

    Without JavaScript the ids can be typed; the script (`workflows/unit_picker.js`) adds a
    search box that asks `search_url` and turns each pick into a removable chip.
    """

    # The template loads the script after the picker's elements (the page's head runs before they exist).
    template_name = "workflows/widgets/unit_picker.html"

    def __init__(self, *, search_url: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context

    def value_from_datadict(self, data, files, name):
        # A form post or an API call may repeat the field (adopting_units=1&adopting_units=2).
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            return ",".join(str(v) for v in values) if len(values) > 1 else data.get(name)
        return data.get(name)


class UnitPickerField(forms.CharField):
    """Units picked by id ("12, 15" or a list): cleaned to the Unit rows, in the order given."""

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        return super().to_python(value)

    def clean(self, value):
        text = super().clean(value)
        ids = []
        for part in (text or "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("Mã đơn vị không hợp lệ: %(value)s.") % {"value": part})
            if int(part) not in ids:
                ids.append(int(part))
        units = Unit.objects.in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in units]
        if missing:
            raise forms.ValidationError(_("Không tìm thấy đơn vị: %(ids)s.") % {"ids": ", ".join(missing)})
        return [units[pk] for pk in ids]


class ReplicationForm(TaskForm):
    adopting_units = UnitPickerField(
        required=False,
        label=_("Đơn vị áp dụng, nhân rộng"),
        help_text=_("Tìm theo tên đơn vị và chọn; có thể chọn nhiều đơn vị."),
    )
    started_on = forms.DateField(
        label=_("Ngày bắt đầu"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=ReplicationStatus.choices, initial=ReplicationStatus.PLANNED
    )
    close_tracking = forms.BooleanField(label=_("Kết thúc theo dõi nhân rộng (hoàn thành quy trình)"), required=False)

    def __init__(self, *args, movement_model, user, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, **kwargs)
        self.fields["adopting_units"].widget = UnitPickerWidget(
            search_url=reverse("models:unit_search", args=[movement_model.pk])
        )

    def clean_adopting_units(self):
        units = self.cleaned_data.get("adopting_units") or []
        problems = [
            problem
            for unit in units
            if (problem := adopting_unit_problem(movement_model=self.movement_model, unit=unit)) is not None
        ]
        if problems:
            raise forms.ValidationError(problems)
        return units

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("adopting_units") and not cleaned.get("started_on"):
            self.add_error("started_on", _("Nhập ngày bắt đầu áp dụng của các đơn vị."))
        if not cleaned.get("adopting_units") and not cleaned.get("close_tracking") and not self.errors:
            raise forms.ValidationError(_("Chọn đơn vị nhân rộng, hoặc đánh dấu kết thúc theo dõi."))
        return cleaned


class AdoptionRecordForm(ReplicationForm):
    """Recording adopting units outside the replication task (the API): units required, no closing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["close_tracking"]
        self.fields["adopting_units"].required = True
        self.fields["started_on"].required = True
        self.fields["status"].required = False  # planned when not given

    def clean_status(self):
        return self.cleaned_data.get("status") or ReplicationStatus.PLANNED


class AdoptionReportForm(TaskForm):
    """The adopting unit's report on its adoption (the follow-up task): the status now and a short report."""

    status = forms.ChoiceField(label=_("Trạng thái"), choices=ReplicationStatus.choices, widget=forms.RadioSelect)
    adoption_report = forms.CharField(
        label=_("Báo cáo ngắn kết quả áp dụng"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def __init__(self, *args, movement_model, user, replication, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, **kwargs)
        self.replication = replication
        # Only the current status and those after it: an adoption never moves back.
        rank = REPLICATION_STATUS_ORDER.index(replication.status)
        self.fields["status"].choices = [(status.value, status.label) for status in REPLICATION_STATUS_ORDER[rank:]]
        self.fields["status"].initial = replication.status


class ReReviewForm(TaskForm):
    """The standing body's answer at the annual re-review."""

    rereview_outcome = forms.ChoiceField(label=_("Kết luận"), choices=ReReviewOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bắt buộc khi mô hình không còn hiệu quả."),
    )
    attachments = MultipleFileField(label=_("Minh chứng (biên bản, báo cáo, ảnh)"))

    def __init__(self, *args, movement_model, user, rereview, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, **kwargs)
        self.rereview = rereview

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("rereview_outcome") == ReReviewOutcome.NOT_EFFECTIVE
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Phải ghi rõ lý do khi kết luận mô hình không còn hiệu quả."))
        return cleaned


class ApprovalForm(TaskForm):
    """An opinion at an additional approval step; `step` is the step of the pinned version."""

    outcome = forms.ChoiceField(label=_("Ý kiến"), choices=ApprovalOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Lý do / nội dung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bắt buộc khi trả lại hoặc không đồng ý."),
    )

    def __init__(self, *args, movement_model, user, step, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, **kwargs)
        self.step = step

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != ApprovalOutcome.APPROVE and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Phải ghi rõ lý do khi trả lại hoặc không đồng ý."))
        return cleaned


# Council (issue 11): not task forms; the page and the API validate through them.


class CampaignCouncilForm(forms.Form):
    """The campaign's council: scoring members, the chair (who also scores) and the secretary."""

    council_members = forms.ModelMultipleChoiceField(
        label=_("Thành viên hội đồng"), queryset=Unit.objects.none(), required=False
    )
    council_chair = forms.ModelChoiceField(label=_("Chủ tịch hội đồng"), queryset=Unit.objects.none(), required=False)
    council_secretary = forms.ModelChoiceField(label=_("Thư ký hội đồng"), queryset=Unit.objects.none(), required=False)
    reason = forms.CharField(label=_("Lý do thay đổi"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, people, **kwargs):
        """`people`: the users who may sit on this campaign's council (the organiser's subtree)."""
        super().__init__(*args, **kwargs)
        for name in ("council_members", "council_chair", "council_secretary"):
            self.fields[name].queryset = people


class CaseEndForm(forms.Form):
    reason = forms.CharField(label=_("Lý do kết thúc hồ sơ"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
