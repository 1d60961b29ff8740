"""The auditor's workspace: read-only pages, scoped to the auditor's unit subtree.

Every view answers GET only (any other method gets 405) and refuses users without
`recognition.view_audit_trail` (403); a model outside the subtree is a 404. The
one exception is the checkpoint check, which takes an uploaded checkpoint by POST
and still writes nothing.
"""

import orjson
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, View

from recognition.audit.bundle import bundle_build, bundle_dumps
from recognition.audit.filters import AuditEventFilter
from recognition.audit.pdf import trail_pdf
from recognition.audit.presentation import entries_describe, person
from recognition.audit.selectors import (
    audit_events_visible_to,
    audit_models_visible_to,
    can_audit,
    evaluation_explanation,
    model_timeline,
)
from recognition.audit.verification import database_verify
from recognition.audit.witness import WitnessUnreadable, witness_checkpoints_parse
from recognition.models.audit import AuditChainHead
from recognition.services.audit_tree import checkpoint_json, checkpoint_latest

CHECKPOINT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class AuditorRequiredMixin:
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not can_audit(request.user):
            raise PermissionDenied(_("Chỉ cán bộ kiểm tra, giám sát được xem nhật ký."))
        return super().dispatch(request, *args, **kwargs)


class SearchView(AuditorRequiredMixin, ListView):
    template_name = "recognition/audit/search.html"
    paginate_by = 50
    title = _("Tra cứu nhật ký")

    def get_queryset(self):
        self.filterset = AuditEventFilter(
            self.request.GET or None,
            queryset=audit_events_visible_to(user=self.request.user).order_by("-occurred_at", "-pk"),
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filter=self.filterset, entries=entries_describe(list(context["object_list"])))
        return context


class _ModelMixin(AuditorRequiredMixin):
    context_object_name = "movement_model"

    def get_queryset(self):
        return audit_models_visible_to(user=self.request.user)


class TimelineView(_ModelMixin, DetailView):
    template_name = "recognition/audit/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = entries_describe(list(model_timeline(movement_model=self.object)))
        context.update(entries=entries, head=AuditChainHead.objects.filter(chain_key=f"model:{self.object.pk}").first())
        return context


class EvaluationView(_ModelMixin, DetailView):
    template_name = "recognition/audit/evaluation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explanation"] = evaluation_explanation(movement_model=self.object)
        return context


def _export_name(movement_model, extension: str) -> str:
    return f"nhat-ky-{movement_model.pk}-{slugify(movement_model.name)[:40]}.{extension}"


class BundleExportView(AuditorRequiredMixin, View):
    def get(self, request, pk):
        movement_model = get_object_or_404(audit_models_visible_to(user=request.user), pk=pk)
        response = HttpResponse(
            bundle_dumps(bundle_build(movement_model=movement_model, exported_by=request.user)),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{_export_name(movement_model, "json")}"'
        return response


class PdfExportView(AuditorRequiredMixin, View):
    def get(self, request, pk):
        movement_model = get_object_or_404(audit_models_visible_to(user=request.user), pk=pk)
        head = AuditChainHead.objects.filter(chain_key=f"model:{movement_model.pk}").first()
        content = trail_pdf(
            movement_model=movement_model,
            entries=entries_describe(list(model_timeline(movement_model=movement_model))),
            head_hash=head.head_hash if head else "",
            exported_by=person(request.user),
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{_export_name(movement_model, "pdf")}"'
        return response


class CheckpointUploadForm(forms.Form):
    checkpoint = forms.FileField(
        label=_("Tệp mốc kiểm tra đã ký (.json, .jsonl)"),
        help_text=_("Tệp do “manage.py audit_checkpoint --out” ghi, nhận qua thư điện tử hoặc từ thư mục nhân chứng."),
    )

    def clean_checkpoint(self):
        upload = self.cleaned_data["checkpoint"]
        if upload.size > CHECKPOINT_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Tệp mốc quá lớn (tối đa 5 MB)."))
        try:
            return witness_checkpoints_parse(upload.read(), source=upload.name)
        except WitnessUnreadable as error:
            raise forms.ValidationError(str(error))


class CheckpointVerifyView(AuditorRequiredMixin, FormView):
    """Check the trail against a checkpoint the auditor kept outside the system; nothing is written.

    The whole trail is checked in this request, in one process (a web worker must not
    fork): for trails of millions of records, `manage.py audit_verify --witness` is faster.
    """

    http_method_names = ["get", "post", "head", "options"]
    template_name = "recognition/audit/checkpoint.html"
    form_class = CheckpointUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = checkpoint_latest()
        context["latest"] = (
            orjson.dumps(checkpoint_json(latest), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
            if latest
            else ""
        )
        return context

    def form_valid(self, form):
        report = database_verify(jobs=1, witnesses=form.cleaned_data["checkpoint"], max_problems=20)
        return self.render_to_response(self.get_context_data(form=form, report=report))


urlpatterns = [
    path("checkpoint/", CheckpointVerifyView.as_view(), name="checkpoint"),
    path("", SearchView.as_view(), name="index"),
    path("models/<int:pk>/", TimelineView.as_view(), name="timeline"),
    path("models/<int:pk>/evaluation/", EvaluationView.as_view(), name="evaluation"),
    path("models/<int:pk>/bundle.json", BundleExportView.as_view(), name="bundle"),
    path("models/<int:pk>/trail.pdf", PdfExportView.as_view(), name="pdf"),
]
