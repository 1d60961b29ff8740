"""Registration pages beyond the single form: bulk import from Excel, campaign quotas, nomination upward."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from recognition.models import Campaign, CampaignQuota, Unit, UnitKind
from recognition.selectors import campaigns_open_for, models_visible_to, units_visible_to
from recognition.services.registration import (
    campaign_quota_set,
    may_edit_quotas,
    may_register,
    quota_shortfalls,
)
from workflows.registration_import import ImportProblems, import_template, registrations_import
from workflows.services import nomination_submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BulkRegistrationForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Đợt đăng ký"), empty_label=None)
    workbook = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_open_for(user=user, day=timezone.localdate())


class _MayRegisterMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_register(request.user):
            raise PermissionDenied(_("Bạn không có quyền đăng ký mô hình."))
        return super().dispatch(request, *args, **kwargs)


class BulkRegistrationView(_MayRegisterMixin, TemplateView):
    """Register every row of an Excel sheet, or none; every problem named by row and column."""

    template_name = "workflows/registration/bulk.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", BulkRegistrationForm(user=self.request.user))
        return context

    def post(self, request):
        form = BulkRegistrationForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            registered = registrations_import(
                submitted_by=request.user,
                campaign=form.cleaned_data["campaign"],
                workbook_file=form.cleaned_data["workbook"],
            )
        except ImportProblems as refused:
            return self.render_to_response(self.get_context_data(form=form, problems=refused.problems), status=400)
        messages.success(request, _("Đã đăng ký %(count)s mô hình từ tệp Excel.") % {"count": len(registered)})
        return HttpResponseRedirect(reverse("models:index"))


class BulkTemplateView(_MayRegisterMixin, View):
    def get(self, request):
        response = HttpResponse(import_template(user=request.user), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-dang-ky-mo-hinh.xlsx"'
        return response


def campaigns_for_quotas(*, user):
    """Campaigns run by the user's unit, a unit above it, or a unit below it."""
    if user.is_superuser:
        return Campaign.objects.select_related("organising_unit")
    if user.unit_id is None:
        return Campaign.objects.none()
    path = user.unit.path
    ancestors = [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]
    return Campaign.objects.filter(
        Q(organising_unit__path__in=ancestors) | Q(organising_unit__path__startswith=path)
    ).select_related("organising_unit")


class QuotaIndexView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/registration/quota_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = campaigns_for_quotas(user=self.request.user).prefetch_related("quotas")[:200]
        return context


class QuotaForm(forms.Form):
    """One minimum and one maximum per unit kind."""

    def __init__(self, *args, quotas: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in UnitKind.choices:
            quota = quotas.get(kind)
            self.fields[f"min_{kind}"] = forms.IntegerField(
                label=_("%(kind)s — tối thiểu") % {"kind": label},
                min_value=0,
                max_value=1000,
                required=False,
                initial=quota.minimum if quota else None,
            )
            self.fields[f"max_{kind}"] = forms.IntegerField(
                label=_("%(kind)s — tối đa") % {"kind": label},
                min_value=0,
                max_value=1000,
                required=False,
                initial=quota.maximum if quota else None,
            )

    def rows(self):
        return [(label, self[f"min_{kind}"], self[f"max_{kind}"]) for kind, label in UnitKind.choices]


class QuotaDetailView(LoginRequiredMixin, TemplateView):
    """A campaign's quotas (editable by its standing body) and the units short of their minimum."""

    template_name = "workflows/registration/quota_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = get_object_or_404(campaigns_for_quotas(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _quotas(self) -> dict:
        return {quota.unit_kind: quota for quota in CampaignQuota.objects.filter(campaign=self.campaign)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        quotas = self._quotas()
        visible = set(units_visible_to(user=user).values_list("pk", flat=True)) if not user.is_superuser else None
        shortfalls = [
            item for item in quota_shortfalls(campaign=self.campaign) if visible is None or item["unit"].pk in visible
        ]
        context.update(
            campaign=self.campaign,
            quotas=[quotas[kind] for kind, _label in UnitKind.choices if kind in quotas],
            shortfalls=shortfalls,
            may_edit=may_edit_quotas(user=user, campaign=self.campaign),
        )
        if context["may_edit"]:
            context.setdefault("form", QuotaForm(quotas=quotas))
        return context

    def post(self, request, pk: int):
        if not may_edit_quotas(user=request.user, campaign=self.campaign):
            raise PermissionDenied(_("Chỉ cơ quan thường trực của đơn vị tổ chức đợt mới được sửa chỉ tiêu."))
        quotas = self._quotas()
        form = QuotaForm(request.POST, quotas=quotas)
        if form.is_valid():
            for kind, _label in UnitKind.choices:
                minimum, maximum = form.cleaned_data[f"min_{kind}"], form.cleaned_data[f"max_{kind}"]
                if kind not in quotas and minimum is None and maximum is None:
                    continue
                try:
                    campaign_quota_set(
                        campaign=self.campaign,
                        unit_kind=kind,
                        minimum=minimum or 0,
                        maximum=maximum,
                        set_by=request.user,
                    )
                except ValidationError as error:
                    form.add_error(f"max_{kind}", error.messages)
            if form.is_valid():
                messages.success(request, _("Đã lưu chỉ tiêu đăng ký của đợt."))
                return HttpResponseRedirect(reverse("models:quota_detail", args=[self.campaign.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NominateView(LoginRequiredMixin, View):
    """POST only: the form is on the model page (section "lineage")."""

    def post(self, request, pk: int):
        movement_model = models_visible_to(user=request.user).filter(pk=pk).first()
        if movement_model is None:
            raise Http404
        campaign_id = request.POST.get("campaign", "")
        campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id.isdigit() else None
        if campaign is None:
            messages.error(request, _("Hãy chọn đợt của cấp trên."))
            return HttpResponseRedirect(reverse("models:detail", args=[pk]))
        try:
            nominated = nomination_submit(movement_model=movement_model, campaign=campaign, nominated_by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("models:detail", args=[pk]))
        messages.success(
            request,
            _("Đã đề nghị mô hình “%(name)s” vào đợt “%(campaign)s”.") % {"name": nominated.name, "campaign": campaign},
        )
        return HttpResponseRedirect(reverse("models:detail", args=[nominated.pk]))
