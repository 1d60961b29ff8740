"""Council pages: naming a campaign's council, closing the scoring on quorum, ending a case, the explanation.

Thin: each page checks the scope (a model or campaign outside the user's subtree answers
404), validates a form and calls one service of `workflows.council`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from recognition.models import Campaign, MovementModel
from recognition.selectors import models_visible_to, units_visible_to
from recognition.services.council import campaign_council_set
from workflows.council import (
    case_end_allowed,
    case_end_request,
    council_candidates,
    council_close,
    council_explanation_for,
    user_manages_council_of,
    user_may_read_explanation,
)
from workflows.forms import CampaignCouncilForm, CaseEndForm
from workflows.ids import id_is_storable


def visible_model_or_404(user, pk: int) -> MovementModel:
    if not id_is_storable(pk):
        raise Http404
    movement_model = models_visible_to(user=user).select_related("process", "campaign").filter(pk=pk).first()
    if movement_model is None:
        raise Http404(_("Không tìm thấy mô hình trong phạm vi của bạn."))
    return movement_model


def visible_campaign_or_404(user, pk: int) -> Campaign:
    if not id_is_storable(pk):
        raise Http404
    campaign = (
        Campaign.objects.filter(pk=pk, organising_unit__in=units_visible_to(user=user))
        .select_related("organising_unit", "council_chair", "council_secretary")
        .first()
    )
    if campaign is None:
        raise Http404(_("Không tìm thấy đợt đăng ký trong phạm vi của bạn."))
    return campaign


def form_errors_add(form, error: ValidationError) -> None:
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, field_errors in by_field.items():
        form.add_error(field if field in form.fields else None, field_errors)


def model_url(request, pk: int) -> str:
    return reverse(f"{request.resolver_match.namespace}:detail", args=[pk])


class CampaignCouncilView(LoginRequiredMixin, View):
    """The standing body of the organiser names the council of its campaign."""

    template_name = "workflows/council/campaign_council.html"

    def _campaign(self, request, pk):
        campaign = visible_campaign_or_404(request.user, pk)
        if not user_manages_council_of(user=request.user, campaign=campaign):
            raise PermissionDenied(_("Chỉ cơ quan thường trực của đơn vị tổ chức được đặt hội đồng."))
        return campaign

    def get(self, request, pk: int):
        campaign = self._campaign(request, pk)
        form = CampaignCouncilForm(
            people=council_candidates(campaign),
            initial={
                "council_members": list(campaign.council_members.all()),
                "council_chair": campaign.council_chair,
                "council_secretary": campaign.council_secretary,
            },
        )
        return self._page(request, campaign, form)

    def post(self, request, pk: int):
        campaign = self._campaign(request, pk)
        form = CampaignCouncilForm(request.POST, people=council_candidates(campaign))
        if form.is_valid():
            try:
                campaign_council_set(
                    campaign=campaign,
                    changed_by=request.user,
                    members=form.cleaned_data["council_members"],
                    chair=form.cleaned_data["council_chair"],
                    secretary=form.cleaned_data["council_secretary"],
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Đã lưu hội đồng của đợt “%(campaign)s”.") % {"campaign": campaign})
                return HttpResponseRedirect(request.path)
        return self._page(request, campaign, form)

    def _page(self, request, campaign, form):
        return render(request, self.template_name, {"campaign": campaign, "form": form})


class CouncilCloseView(LoginRequiredMixin, View):
    """The chair closes the scoring once the quorum has voted (POST only)."""

    def post(self, request, pk: int):
        movement_model = visible_model_or_404(request.user, pk)
        try:
            council_close(movement_model_id=movement_model.pk, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã kết thúc chấm điểm; kết quả được tổng hợp từ các phiếu đã chấm."))
        return HttpResponseRedirect(model_url(request, movement_model.pk))


class CaseEndView(LoginRequiredMixin, View):
    """The standing body or the chair ends a case, with a reason (a form page)."""

    template_name = "workflows/council/case_end.html"

    def _model(self, request, pk):
        movement_model = visible_model_or_404(request.user, pk)
        process = getattr(movement_model, "process", None)
        if process is None or not case_end_allowed(user=request.user, process=process):
            raise PermissionDenied(_("Bạn không được kết thúc hồ sơ này ở giai đoạn hiện tại."))
        return movement_model

    def get(self, request, pk: int):
        movement_model = self._model(request, pk)
        return self._page(request, movement_model, CaseEndForm())

    def post(self, request, pk: int):
        movement_model = self._model(request, pk)
        form = CaseEndForm(request.POST)
        if form.is_valid():
            try:
                case_end_request(
                    movement_model_id=movement_model.pk, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Đã kết thúc hồ sơ."))
                return HttpResponseRedirect(model_url(request, movement_model.pk))
        return self._page(request, movement_model, form)

    def _page(self, request, movement_model, form):
        context = {"movement_model": movement_model, "form": form, "model_url": model_url(request, movement_model.pk)}
        return render(request, self.template_name, context)


class CouncilExplanationView(LoginRequiredMixin, View):
    """How the council reached its result, for the chair and the auditors."""

    template_name = "workflows/council/explanation.html"

    def get(self, request, pk: int):
        movement_model = visible_model_or_404(request.user, pk)
        if not user_may_read_explanation(user=request.user, campaign=movement_model.campaign):
            raise PermissionDenied(_("Chỉ chủ tịch hội đồng và cán bộ kiểm tra được xem giải trình kết quả."))
        explanation = council_explanation_for(movement_model=movement_model)
        context = {
            "movement_model": movement_model,
            "explanation": explanation,
            "model_url": model_url(request, movement_model.pk),
        }
        return render(request, self.template_name, context)
