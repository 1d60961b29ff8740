"""Second-factor pages: enrol an authenticator app, verify a sign-in, renew recovery codes."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from .forms import OTPTokenForm
from .middleware import second_factor_not_required
from .second_factor import (
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_verify,
    totp_device_confirm,
    totp_device_confirmed,
    totp_device_start,
    totp_secret_base32,
)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed_hosts = {request.get_host()}
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts=allowed_hosts, require_https=request.is_secure()):
        return candidate
    return "/"


def qr_code_svg(data: str) -> str:
    """An inline SVG QR code drawn here (no image service sees the secret)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


class EnrolView(View):
    """Show a new app key (QR code and text); confirming with one code replaces any earlier app.

    A user who already has an app must verify this session first: otherwise a stolen
    password could enrol the thief's phone.
    """

    template_name = "accounts/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if totp_device_confirmed(request.user) and not request.user.is_verified():
            return redirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_enrol')}")
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, status=200):
        device = totp_device_start(user=request.user)
        context = {
            "form": form,
            "qr_svg": mark_safe(qr_code_svg(device.config_url)),  # drawn by qrcode from our own URI
            "secret": totp_secret_base32(device),
            "next": _next_url(request),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, OTPTokenForm())

    def post(self, request):
        form = OTPTokenForm(request.POST)
        if not form.is_valid() or not totp_device_confirm(user=request.user, token=form.cleaned_data["token"]):
            form.errors.pop("token", None)
            form.add_error("token", _("Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng."))
            return self._render(request, form, status=400)
        otp_login(request, totp_device_confirmed(request.user))
        codes = recovery_codes_regenerate(user=request.user)
        return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": _next_url(request)})


class VerifyView(View):
    template_name = "accounts/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if totp_device_confirmed(request.user) is None:
            return redirect(f"{reverse('accounts:otp_enrol')}?next={_next_url(request)}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": OTPTokenForm(), "next": _next_url(request)})

    def post(self, request):
        form = OTPTokenForm(request.POST)
        device = second_factor_verify(user=request.user, token=form.cleaned_data["token"]) if form.is_valid() else None
        if device is None:
            form.errors.pop("token", None)
            form.add_error("token", _("Mã xác thực không đúng, đã hết hạn hoặc đã dùng. Hãy thử lại."))
            return render(request, self.template_name, {"form": form, "next": _next_url(request)}, status=400)
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            messages.warning(
                request,
                _("Bạn vừa dùng một mã khôi phục; còn %(count)s mã. Hãy tạo mã mới nếu sắp hết.")
                % {"count": recovery_codes_left(request.user)},
            )
        return redirect(_next_url(request))


class RecoveryCodesView(View):
    """How many recovery codes are left; a new set (shown once) replaces the old one."""

    def get(self, request):
        return render(
            request, "accounts/otp_recovery_codes.html", {"left": recovery_codes_left(request.user), "next": "/"}
        )

    def post(self, request):
        codes = recovery_codes_regenerate(user=request.user)
        return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": "/"})


enrol_view = second_factor_not_required(EnrolView.as_view())
verify_view = second_factor_not_required(VerifyView.as_view())
recovery_codes_view = RecoveryCodesView.as_view()
