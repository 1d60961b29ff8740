"""API errors as JSON: {"detail": ..., "errors": {field: [messages]}}.

Every refusal has a `detail` sentence in the user's language; invalid input also has
`errors`, the field map of the form that validated it (`non_field_errors` for the
errors that belong to no single field).
"""

import math

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from workflows.exceptions import TaskNotAvailable


def _field_name(name: str) -> str:
    return api_settings.NON_FIELD_ERRORS_KEY if name in (NON_FIELD_ERRORS, None) else name


def _errors_from_django(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            _field_name(field): [str(message) for item in items for message in item.messages]
            for field, items in error.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in error.messages]}


def _errors_from_drf(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            _field_name(field): [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
            for field, messages in detail.items()
        }
    messages = detail if isinstance(detail, list) else [detail]
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in messages]}


def invalid_input_response(errors: dict[str, list[str]]) -> Response:
    return Response({"detail": _("Dữ liệu không hợp lệ."), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _vietnamese(exc):
    """DRF's own refusals, reworded through our catalogue (DRF ships few Vietnamese strings).

    404 never names the model that was looked up: a record outside the user's scope
    answers exactly like one that does not exist.
    """
    if isinstance(exc, Http404 | exceptions.NotFound):
        return exceptions.NotFound(_("Không tìm thấy, hoặc không thuộc phạm vi đơn vị của bạn."))
    if isinstance(exc, exceptions.NotAuthenticated):
        return exceptions.NotAuthenticated(
            _("Chưa đăng nhập: gửi phiên đăng nhập hoặc tiêu đề “Authorization: Token …”.")
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return exceptions.AuthenticationFailed(_("Thông tin xác thực không hợp lệ hoặc tài khoản đã bị khóa."))
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) == str(exc.default_detail):
        return exceptions.PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    if isinstance(exc, exceptions.ParseError):
        return exceptions.ParseError(_("Không đọc được dữ liệu gửi lên (sai định dạng JSON hoặc multipart)."))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return exceptions.UnsupportedMediaType(
            exc.media_type if hasattr(exc, "media_type") else "",
            _("Kiểu dữ liệu gửi lên không được hỗ trợ; dùng JSON hoặc multipart/form-data."),
        )
    if isinstance(exc, exceptions.Throttled):
        # Built without `wait` (DRF would append an English sentence), which is set after for Retry-After.
        seconds = math.ceil(exc.wait) if exc.wait is not None else 60
        throttled = exceptions.Throttled(
            None, _("Gửi quá nhiều yêu cầu. Hãy thử lại sau %(seconds)s giây.") % {"seconds": seconds}
        )
        throttled.wait = seconds
        return throttled
    if isinstance(exc, exceptions.MethodNotAllowed):
        return exceptions.MethodNotAllowed("", _("Phương thức này không được hỗ trợ tại địa chỉ này."))
    return exc


def exception_handler(exc, context):
    if isinstance(exc, exceptions.ParseError):
        # An unreadable body is invalid input: the documented 400 shape, with the reason as a general error.
        return invalid_input_response({api_settings.NON_FIELD_ERRORS_KEY: [str(_vietnamese(exc).detail)]})
    if isinstance(exc, DjangoValidationError):
        return invalid_input_response(_errors_from_django(exc))
    if isinstance(exc, exceptions.ValidationError):
        return invalid_input_response(_errors_from_drf(exc.detail))
    if isinstance(exc, TaskNotAvailable):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    reworded = _vietnamese(exc)
    if reworded is not exc and hasattr(exc, "auth_header"):
        reworded.auth_header = exc.auth_header  # set by APIView for the WWW-Authenticate header of 401
    return drf_exception_handler(reworded, context)
