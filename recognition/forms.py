"""The registration dossier form, shared by the web page and the API."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recognition.models import Field, MovementModel
from recognition.selectors import campaigns_open_for
from recognition.services.registration import DOSSIER_FIELDS, unit_ancestors, units_registrable_on_behalf
from recognition.validators import validate_attachment


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads in one field, each checked by `validate_attachment`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [validate_attachment])
        kwargs.setdefault("label", _("Tệp đính kèm (ảnh, biên bản, báo cáo; tối đa 20 MB mỗi tệp)"))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


class UnitChoiceField(forms.ModelChoiceField):
    """Units named with their parent, so two "Khu vực 1" of different communes are told apart."""

    def label_from_instance(self, unit):
        ancestors = unit_ancestors(unit)
        return f"{unit.name} — {ancestors[-1].name}" if ancestors else unit.name


class DossierForm(forms.ModelForm):
    """The ten sections of the dossier. `campaign`, `unit` and `confirm_duplicate` only when registering.

    `unit` is the registering unit: empty for the user's own unit, or a unit without an
    account that the user's standing body or Front registers on its behalf.
    """

    campaign = forms.ModelChoiceField(queryset=None, label=_("Đợt đăng ký"), empty_label=None)
    unit = UnitChoiceField(
        queryset=None,
        required=False,
        label=_("Đăng ký thay cho đơn vị (để trống: đơn vị của bạn)"),
        empty_label=_("— Đơn vị của tôi —"),
    )
    confirm_duplicate = forms.BooleanField(required=False, label=_("Tôi xác nhận đây không phải mô hình trùng"))
    attachments = MultipleFileField()

    class Meta:
        model = MovementModel
        fields = DOSSIER_FIELDS
        widgets = {
            "starts_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "self_evaluation_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, user, include_campaign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = Field.objects.filter(is_active=True)
        if include_campaign:
            self.fields["campaign"].queryset = campaigns_open_for(user=user, day=timezone.localdate())
            self.fields["unit"].queryset = units_registrable_on_behalf(user=user)
            if not self.fields["unit"].queryset.exists():
                self.fields["unit"].widget = forms.HiddenInput()
            elif not user.has_perm("recognition.register_model"):
                # A standing body registers only on a unit's behalf, never for itself.
                self.fields["unit"].required = True
                self.fields["unit"].empty_label = None
                self.fields["unit"].label = _("Đăng ký thay cho đơn vị")
        else:
            for name in ("campaign", "unit", "confirm_duplicate"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        starts_on, self_evaluation_on = cleaned.get("starts_on"), cleaned.get("self_evaluation_on")
        if starts_on and self_evaluation_on and self_evaluation_on < starts_on:
            self.add_error("self_evaluation_on", _("Ngày tự đánh giá phải sau ngày bắt đầu."))
        return cleaned

    def registration_options(self) -> dict:
        """The registration service's keyword arguments besides the dossier: unit and confirmation."""
        return {
            "unit": self.cleaned_data.get("unit"),
            "confirm_duplicate": bool(self.cleaned_data.get("confirm_duplicate")),
        }

    def dossier_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in DOSSIER_FIELDS if name in self.cleaned_data}
