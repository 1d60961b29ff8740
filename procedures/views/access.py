"""What every designer page checks first: the permission (403 otherwise); the scope is checked on loading."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from procedures.access import NOT_DESIGNER, can_design


class DesignerRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_design(request.user):
            raise PermissionDenied(NOT_DESIGNER)
        return super().dispatch(request, *args, **kwargs)
