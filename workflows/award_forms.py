"""Forms of the award pages and API: the candidate filter, the proposal, the award decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from recognition.models import AwardKind, Field, MovementModel
from recognition.services.awards import award_campaigns_for, award_candidates

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class CandidateFilterForm(forms.Form):
    """Which campaign's tiêu biểu models to list, narrowed by field and name."""

    campaign = forms.ModelChoiceField(queryset=None, label=_("Đợt đăng ký"), empty_label=None)
    field = forms.ModelChoiceField(queryset=Field.objects.all(), required=False, label=_("Lĩnh vực"))
    q = forms.CharField(required=False, max_length=200, label=_("Tên mô hình có chứa"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = award_campaigns_for(user=user)

    def candidates(self):
        """The filtered candidates (precondition: the form is valid)."""
        queryset = award_candidates(campaign=self.cleaned_data["campaign"])
        if self.cleaned_data.get("field"):
            queryset = queryset.filter(field=self.cleaned_data["field"])
        if self.cleaned_data.get("q"):
            queryset = queryset.filter(name__icontains=self.cleaned_data["q"])
        return queryset


class ProposalForm(CandidateFilterForm):
    """The chosen candidates (or every candidate the filter lists) and what is proposed for them."""

    award_kind = forms.ChoiceField(choices=AwardKind.choices, label=_("Hình thức khen thưởng"))
    authority = forms.CharField(max_length=255, label=_("Cấp có thẩm quyền"))
    movement_models = forms.TypedMultipleChoiceField(
        coerce=int, required=False, choices=(), label=_("Mô hình, điển hình được chọn")
    )
    select_all = forms.BooleanField(required=False, label=_("Chọn tất cả mô hình theo bộ lọc"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here: the service says, by name, which ones are not candidates.
        self.fields["movement_models"].valid_value = lambda value: str(value).isdigit()

    def chosen_models(self) -> list[MovementModel]:
        if self.cleaned_data.get("select_all"):
            return list(self.candidates())
        ids = self.cleaned_data.get("movement_models") or []
        return list(MovementModel.objects.filter(pk__in=ids).order_by("pk"))


class AwardRecordForm(forms.Form):
    number = forms.CharField(max_length=50, label=_("Số quyết định khen thưởng"))
    decided_on = forms.DateField(input_formats=DATE_INPUT_FORMATS, label=_("Ngày quyết định (dd/mm/yyyy)"))
    authority = forms.CharField(max_length=255, label=_("Cấp quyết định"))
    kind = forms.ChoiceField(choices=AwardKind.choices, label=_("Hình thức khen thưởng"))
    movement_models = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        choices=(),
        label=_("Mô hình được khen thưởng"),
        help_text=_("Để trống: mọi mô hình trong tờ trình."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movement_models"].valid_value = lambda value: str(value).isdigit()

    def chosen_models(self) -> list[MovementModel] | None:
        ids = self.cleaned_data.get("movement_models") or []
        return list(MovementModel.objects.filter(pk__in=ids)) if ids else None
