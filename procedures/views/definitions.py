"""The designer's first page: the definitions in the admin's scope, their versions, a unit's own definition."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procedures.access import (
    can_change_definition,
    can_create_own_definition,
    definitions_visible_to,
)
from procedures.selectors import version_in_force
from procedures.services import definition_create

from .access import DesignerRequiredMixin


class DefinitionListView(DesignerRequiredMixin, TemplateView):
    template_name = "procedures/definition_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        definitions = list(
            definitions_visible_to(user=user).prefetch_related("versions").order_by("owner_unit__path", "pk")
        )
        for definition in definitions:
            definition.can_change = can_change_definition(user, definition)
            definition.version_list = sorted(definition.versions.all(), key=lambda version: -version.number)
            definition.has_draft = any(version.is_editable for version in definition.version_list)
        in_force = version_in_force(user.unit) if user.unit_id else None
        return super().get_context_data(
            definitions=definitions,
            in_force=in_force,
            can_create_own=can_create_own_definition(user),
            **kwargs,
        )


class DefinitionCreateView(DesignerRequiredMixin, View):
    """POST: the admin's unit gets its own definition, a first draft copied from the version in force."""

    http_method_names = ["post"]

    def post(self, request):
        if request.user.unit_id is None:
            raise PermissionDenied(_("Tài khoản chưa thuộc đơn vị nào."))
        try:
            version = definition_create(unit=request.user.unit, author=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("procedures:index"))
        messages.success(request, _("Đã tạo quy trình riêng cho đơn vị và bản nháp đầu tiên."))
        return HttpResponseRedirect(reverse("procedures:edit", args=[version.pk]))
