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
from recognition.models import ApprovalOutcome, ReplicationStatus, SurveyRecommendation, Unit

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


class ReplicationForm(TaskForm):
    adopting_units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Đơn vị áp dụng, nhân rộng")
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
        organiser = movement_model.campaign.organising_unit
        self.fields["adopting_units"].queryset = (
            Unit.objects.filter(path__startswith=organiser.path, is_active=True)
            .exclude(pk=movement_model.unit_id)
            .order_by("path")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("adopting_units") and not cleaned.get("started_on"):
            self.add_error("started_on", _("Nhập ngày bắt đầu áp dụng của các đơn vị."))
        if not cleaned.get("adopting_units") and not cleaned.get("close_tracking"):
            raise forms.ValidationError(_("Chọn đơn vị nhân rộng, hoặc đánh dấu kết thúc theo dõi."))
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
