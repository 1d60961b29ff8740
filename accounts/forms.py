"""Sign-in and second-factor forms."""

from django import forms
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm as ViewflowAuthenticationForm

from .lockout import lockout_message


class AuthenticationForm(ViewflowAuthenticationForm):
    """viewflow's login form; a locked-out attempt says so instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(lockout_message(), code="locked_out") from None
            raise


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=16,
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )
