"""Sessions of users who need a second factor reach nothing until it is verified."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .second_factor import second_factor_required, totp_device_confirmed

# Pages an unverified session still needs: signing in and out, the language switch.
_OPEN_URL_NAMES = frozenset({"login", "logout", "set_language", "javascript-catalog"})


def second_factor_not_required(view):
    """Mark a view reachable before the second factor (the enrolment and verification pages)."""
    view.second_factor_not_required = True
    return view


class SecondFactorRequiredMiddleware:
    """After django_otp's OTPMiddleware: send unverified admins/auditors to enrol or verify.

    Pages redirect (to enrolment when the user has no app yet, otherwise to verification,
    with `next`); API calls made with such a session answer 403 in the API's error shape.
    Token-authenticated API calls are not concerned: the token itself required the second
    factor (see `accounts.api`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not second_factor_required(user) or user.is_verified():
            return None
        if getattr(view_func, "second_factor_not_required", False):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _OPEN_URL_NAMES:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Tài khoản này cần xác thực hai bước: hãy nhập mã xác thực trên trang web trước.")},
                status=403,
            )
        target = "accounts:otp_verify" if totp_device_confirmed(user) else "accounts:otp_enrol"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
