"""Registering a model, and reading models and their dossiers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from recognition.forms import DossierForm
from recognition.selectors import attachment_visible_to, campaigns_open_for, models_visible_to
from recognition.services.registration import DuplicateNameWarning, may_register
from recognition.validators import sniffed_content_type
from workflows.flows import RecognitionFlow
from workflows.selectors import process_tasks
from workflows.services import registration_submit
from workflows.views.model_sections import sections_context


class RegistrationView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Register a model for one's own unit, or on the behalf of a unit without an account."""

    template_name = "workflows/registration_form.html"
    raise_exception = True

    def has_permission(self):
        return may_register(self.request.user)

    def get_form(self, form_class=None):
        form = DossierForm(**self.get_form_kwargs(), user=self.request.user)
        form.order_fields(["campaign", "unit"])  # the campaign first: it decides the rest of the dossier
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Without an open campaign the page explains why instead of showing a form that cannot be sent.
        context["has_open_campaign"] = campaigns_open_for(user=self.request.user, day=timezone.localdate()).exists()
        return context

    def form_valid(self, form):
        try:
            movement_model = registration_submit(
                submitted_by=self.request.user,
                campaign=form.cleaned_data["campaign"],
                data=form.dossier_data(),
                files=form.cleaned_data.get("attachments", []),
                **form.registration_options(),
            )
        except DuplicateNameWarning as warning:
            form.add_error("confirm_duplicate", warning.messages)
            return self.render_to_response(self.get_context_data(form=form, similar_models=warning.similar))
        except PermissionDenied as error:
            form.add_error("unit" if "unit" in form.fields else None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, field_errors in by_field.items():
                form.add_error(field if field in form.fields else None, field_errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã đăng ký mô hình “%(name)s”.") % {"name": movement_model.name})
        return HttpResponseRedirect(reverse("models:detail", args=[movement_model.pk]))


class ModelListView(LoginRequiredMixin, ListView):
    template_name = "workflows/model_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = models_visible_to(user=self.request.user).order_by("-created_at")
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(name__icontains=query)
        stage = self.request.GET.get("stage", "")
        if stage:
            queryset = queryset.filter(stage=stage)
        return queryset


class ModelDetailView(LoginRequiredMixin, DetailView):
    template_name = "workflows/model_detail.html"
    context_object_name = "movement_model"

    def get_queryset(self):
        # A model outside the user's subtree answers 404, not 403: its existence is not disclosed.
        return (
            models_visible_to(user=self.request.user)
            .select_related("process")
            .prefetch_related(
                "attachments",
                "dossier_reviews__reviewer",
                "survey_reports",
                "council_scores__items__criterion",
                "evaluation_results",
                "replications__adopting_unit",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            process = self.object.process
        except ObjectDoesNotExist:
            process = None
        if process is not None:
            context["process_url"] = RecognitionFlow.instance.reverse("process_detail", args=[process.pk])
            context["task_list"] = process_tasks(process=process)
        context.update(sections_context(movement_model=self.object, user=self.request.user))
        return context


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serve an attachment only to users who may see its model.

    Files are never exposed under a public /media/ URL. Behind nginx, set
    KHEO_ATTACHMENT_ACCEL_PREFIX (e.g. "/protected-media/", an `internal` location
    aliased to MEDIA_ROOT) and nginx sends the bytes after this permission check.
    """

    def get(self, request, pk: int):
        attachment = attachment_visible_to(user=request.user, attachment_id=pk)
        if attachment is None:
            raise Http404(_("Không tìm thấy tệp đính kèm."))
        # Sniffed again from the stored bytes: a row stored before uploads were sniffed may
        # hold the type the client claimed (text/html for a PDF, say).
        with attachment.file.open("rb") as stored:
            content_type = sniffed_content_type(stored, attachment.original_name)
        accel_prefix = getattr(settings, "KHEO_ATTACHMENT_ACCEL_PREFIX", "")
        if accel_prefix:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + attachment.file.name
        else:
            response = FileResponse(attachment.file.open("rb"), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=attachment.original_name
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
