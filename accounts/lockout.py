"""What a locked-out sign-in sees: when to retry, and nothing about whether the account exists.

django-axes locks a (username, IP address) pair after `AXES_FAILURE_LIMIT` failures, for
`AXES_COOLOFF_TIME` after the latest attempt (an attempt while locked starts the wait
again), whether or not the username exists, so the answer is the same for both.
"""

import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _


def lockout_message() -> str:
    """The Vietnamese refusal, naming the cool-off and the local time from which to retry."""
    cool_off = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime(timezone.now() + cool_off)
    return _(
        "Đăng nhập tạm thời bị khóa vì nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)s phút "
        "(từ %(time)s), hoặc nhờ quản trị viên mở khóa."
    ) % {"minutes": math.ceil(cool_off.total_seconds() / 60), "time": time_format(retry_at, "H:i")}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON for the API, the login page otherwise.

    The login form already shows `lockout_message` (see `accounts.forms`); the page is kept and
    only its status changes, so the visitor can retry from the same place later.
    """
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=429)
    elif original_response is not None and original_response.status_code == 200:
        response = original_response
        response.status_code = 429
    else:
        response = HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after
    return response
