"""A version's pages: read, draft from the published one, edit, diff, publish."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procedures.access import (
    can_change_definition,
    can_design,
    definition_changeable,
    version_changeable,
    version_readable,
)
from procedures.diff import spec_summary
from procedures.forms import PublishForm, SpecEditor, designer_choices
from procedures.review import level_names, open_draft, version_diagram, version_diff, version_problems
from procedures.selectors import version_spec
from procedures.services import draft_create, draft_update, version_publish

from .access import DesignerRequiredMixin


class _VersionPage(DesignerRequiredMixin, TemplateView):
    def version(self):
        return version_readable(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        version = self.version()
        return super().get_context_data(
            version=version,
            definition=version.definition,
            can_change=can_change_definition(self.request.user, version.definition),
            **kwargs,
        )


class VersionDetailView(_VersionPage):
    template_name = "procedures/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["version"]
        names = level_names()
        context.update(
            sections=spec_summary(version_spec(version), level_names=names),
            problems=version_problems(version) if version.is_editable else [],
            diagram=version_diagram(version, names=names),
        )
        return context


class DraftCreateView(DesignerRequiredMixin, View):
    """POST: a new draft of the definition, copied from its published version."""

    http_method_names = ["post"]

    def post(self, request, pk):
        definition = definition_changeable(request.user, pk)
        existing = open_draft(definition)
        if existing is not None:
            messages.info(request, _("Quy trình này đang có bản nháp: tiếp tục sửa bản nháp đó."))
            return HttpResponseRedirect(reverse("procedures:edit", args=[existing.pk]))
        version = draft_create(definition=definition, author=request.user)
        messages.success(request, _("Đã tạo bản nháp phiên bản %(number)s.") % {"number": version.number})
        return HttpResponseRedirect(reverse("procedures:edit", args=[version.pk]))


class DraftEditView(DesignerRequiredMixin, TemplateView):
    template_name = "procedures/draft_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if can_design(request.user):  # others are refused by the mixin, with its message
            self.version = version_changeable(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.version.is_editable:
            messages.info(request, _("Phiên bản này đã ban hành, không sửa được. Hãy tạo bản nháp mới."))
            return HttpResponseRedirect(reverse("procedures:version", args=[self.version.pk]))
        editor = SpecEditor(version_spec(self.version), choices=designer_choices())
        problems = version_problems(self.version)
        editor.problems_place(problems)
        return self.render_to_response(self.get_context_data(editor=editor, problems=problems))

    def post(self, request, *args, **kwargs):
        editor = SpecEditor(version_spec(self.version), choices=designer_choices(), data=request.POST)
        format_problems = []
        if editor.is_valid():
            try:
                draft_update(version=self.version, spec_data=editor.spec_data(), author=request.user)
            except ValidationError as error:
                format_problems = error.messages
            else:
                problems = version_problems(self.version)
                if problems:
                    messages.warning(
                        request,
                        _("Đã lưu bản nháp. Còn %(count)s vấn đề cần sửa trước khi ban hành.")
                        % {"count": len(problems)},
                    )
                else:
                    messages.success(request, _("Đã lưu bản nháp. Bản nháp hợp lệ, có thể ban hành."))
                return HttpResponseRedirect(reverse("procedures:edit", args=[self.version.pk]))
        return self.render_to_response(
            self.get_context_data(editor=editor, problems=[], format_problems=format_problems, not_saved=True)
        )

    def get_context_data(self, **kwargs):
        names = level_names()
        return super().get_context_data(
            version=self.version,
            definition=self.version.definition,
            diagram=version_diagram(self.version, names=names),
            **kwargs,
        )


class VersionDiffView(_VersionPage):
    template_name = "procedures/version_diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base, rows = version_diff(context["version"], names=level_names())
        context.update(base=base, rows=rows)
        return context


class VersionPublishView(_VersionPage):
    template_name = "procedures/version_publish.html"

    def version(self):
        return version_changeable(self.request.user, self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=PublishForm()))

    def post(self, request, *args, **kwargs):
        version = self.version()
        form = PublishForm(request.POST)
        form.is_valid()
        try:
            version_publish(version=version, actor=request.user, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as error:
            by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, field_errors in by_field.items():
                form.add_error("reason" if field == "reason" else None, field_errors)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Đã ban hành phiên bản %(number)s.") % {"number": version.number})
        return HttpResponseRedirect(reverse("procedures:version", args=[version.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["version"]
        base, rows = version_diff(version, names=level_names())
        context.update(
            problems=version_problems(version) if version.is_editable else [],
            base=base,
            rows=rows,
        )
        return context
