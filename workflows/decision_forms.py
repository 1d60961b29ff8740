"""Forms of the decision pages (the API validates with serializers and calls the same services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recognition.models import Classification, DecisionKind, Field, Unit
from recognition.validators import validate_attachment

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
CLASSIFICATION_CHOICES = [("", _("Tất cả xếp loại")), (Classification.RECOGNISED, Classification.RECOGNISED.label)]
CLASSIFICATION_CHOICES.append((Classification.OUTSTANDING, Classification.OUTSTANDING.label))


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("-").strip() for line in (text or "").splitlines() if line.strip()]


class DecisionFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=None, required=False, label=_("Đợt"), empty_label=_("Tất cả các đợt"))
    year = forms.IntegerField(required=False, label=_("Năm"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        required=False, label=_("Loại quyết định"), choices=[("", _("Tất cả"))] + list(DecisionKind.choices)
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class AssemblyFilterForm(forms.Form):
    field = forms.ModelChoiceField(
        queryset=Field.objects.order_by("name"), required=False, label=_("Lĩnh vực"), empty_label=_("Tất cả lĩnh vực")
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Đơn vị"), empty_label=_("Tất cả đơn vị")
    )
    classification = forms.ChoiceField(required=False, label=_("Xếp loại"), choices=CLASSIFICATION_CHOICES)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        organiser = campaign.organising_unit
        # The organiser and the units right below it: a filter covers each one's subtree.
        self.fields["unit"].queryset = Unit.objects.filter(
            path__startswith=organiser.path, depth__lte=organiser.depth + 1
        ).order_by("path")


class DecisionSigningForm(forms.Form):
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_INPUT, initial=timezone.localdate)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)


class DecisionIssueForm(DecisionSigningForm):
    models = forms.TypedMultipleChoiceField(coerce=int, required=False, label=_("Mô hình"))
    select_all = forms.BooleanField(required=False, label=_("Chọn tất cả mô hình theo bộ lọc"))
    summary = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    bases = forms.CharField(
        label=_("Căn cứ (mỗi dòng một căn cứ)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi; “Lưu VP.” được thêm cuối)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, model_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["models"].choices = [(pk, pk) for pk in model_ids]

    def bases_lines(self) -> list[str]:
        return _lines(self.cleaned_data.get("bases", ""))

    def recipients_lines(self) -> list[str]:
        return _lines(self.cleaned_data.get("recipients", ""))


class DecisionRevokeForm(DecisionSigningForm):
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}))
    models = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label=_("Mô hình bị thu hồi (để trống: tất cả)")
    )

    def __init__(self, *args, model_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["models"].choices = model_choices


class DecisionAmendForm(DecisionSigningForm):
    reason = forms.CharField(label=_("Lý do sửa đổi"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, model_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.model_fields = []
        for pk, name in model_choices:
            field_name = f"classification_{pk}"
            self.fields[field_name] = forms.ChoiceField(
                label=name,
                required=False,
                choices=[("", _("Giữ nguyên"))]
                + [(c, c.label) for c in (Classification.RECOGNISED, Classification.OUTSTANDING)],
            )
            self.model_fields.append((pk, field_name))

    def classifications(self) -> dict[int, str]:
        return {pk: self.cleaned_data[name] for pk, name in self.model_fields if self.cleaned_data.get(name)}


class DecisionScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Bản quét quyết định đã ký, đóng dấu (PDF hoặc ảnh)"), validators=[validate_attachment]
    )
