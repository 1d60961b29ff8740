"""What every designer page checks first: the permission, then the definition's scope (403 otherwise)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from procedures.access import can_change_definition, can_design, can_read_definition
from procedures.models import ProcedureDefinition, ProcedureVersion

NOT_DESIGNER = _("Chỉ quản trị quy trình được thiết kế quy trình.")
OUT_OF_SCOPE = _("Quy trình này không thuộc phạm vi đơn vị của bạn.")
READ_ONLY = _("Bạn chỉ được xem quy trình này: chỉ đơn vị sở hữu (hoặc đơn vị cấp trên) được sửa và ban hành.")


class DesignerRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_design(request.user):
            raise PermissionDenied(NOT_DESIGNER)
        return super().dispatch(request, *args, **kwargs)


def version_readable(user, pk: int) -> ProcedureVersion:
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("definition", "definition__owner_unit", "based_on"), pk=pk
    )
    if not can_read_definition(user, version.definition):
        raise PermissionDenied(OUT_OF_SCOPE)
    return version


def version_changeable(user, pk: int) -> ProcedureVersion:
    version = version_readable(user, pk)
    if not can_change_definition(user, version.definition):
        raise PermissionDenied(READ_ONLY)
    return version


def definition_changeable(user, pk: int) -> ProcedureDefinition:
    definition = get_object_or_404(ProcedureDefinition.objects.select_related("owner_unit"), pk=pk)
    if not can_read_definition(user, definition):
        raise PermissionDenied(OUT_OF_SCOPE)
    if not can_change_definition(user, definition):
        raise PermissionDenied(READ_ONLY)
    return definition
