"""API errors as JSON: {"detail": ..., "errors": {field: [messages]}}."""

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workflows.exceptions import TaskNotAvailable


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        else:
            errors = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response({"detail": "Dữ liệu không hợp lệ.", "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TaskNotAvailable):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
