"""Decision pages: the list, the assembly of one decision for many models, a decision and its corrections."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from recognition.documents.certificate import certificate_pdf
from recognition.models import Campaign, EvaluationResult
from recognition.services.decision_documents import certificate_document
from recognition.services.decisions import decision_scan_upload, live_entries
from workflows.decision_flow import (
    campaigns_for_decisions,
    decision_amend_for,
    decision_issue_for,
    decision_revoke_for,
    decisions_visible_to,
    may_sign_anything,
    models_awaiting_decision,
)
from workflows.decision_forms import (
    AssemblyFilterForm,
    DecisionAmendForm,
    DecisionFilterForm,
    DecisionIssueForm,
    DecisionRevokeForm,
    DecisionScanForm,
)
from workflows.ids import id_is_storable

ROWS_SHOWN = 500


def decision_for(*, user, pk: int):
    """A decision the user may see, or 404 (never disclose one outside the scope)."""
    if not id_is_storable(pk):
        raise Http404
    decision = (
        decisions_visible_to(user=user)
        .select_related("revokes", "amends", "issuing_unit")
        .prefetch_related("revoked_by", "amended_by")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404(_("Không tìm thấy quyết định."))
    return decision


def _errors_to_form(form, error: ValidationError) -> None:
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, field_errors in by_field.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _file_response(field_file, filename: str, content_type: str = "application/pdf"):
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DecisionListView(LoginRequiredMixin, View):
    def get(self, request):
        campaigns = Campaign.objects.filter(pk__in=decisions_visible_to(user=request.user).values("campaign"))
        filters = DecisionFilterForm(data=request.GET or None, campaigns=campaigns.order_by("-year", "name"))
        decisions = decisions_visible_to(user=request.user).select_related("revokes", "amends")
        if filters.is_valid():
            data = filters.cleaned_data
            if data["campaign"]:
                decisions = decisions.filter(campaign=data["campaign"])
            if data["year"]:
                decisions = decisions.filter(year=data["year"])
            if data["kind"]:
                decisions = decisions.filter(kind=data["kind"])
        page = Paginator(decisions.order_by("-signed_on", "-pk"), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "workflows/decisions/list.html",
            {
                "filters": filters,
                "page_obj": page,
                "object_list": page.object_list,
                "is_paginated": page.has_other_pages(),
                "signing_campaigns": campaigns_for_decisions(user=request.user)
                if may_sign_anything(request.user)
                else [],
            },
        )


class DecisionAssemblyView(LoginRequiredMixin, View):
    """The campaign's models awaiting a decision, filtered; one submission issues one decision."""

    def _campaign(self, request, pk: int) -> Campaign:
        if not id_is_storable(pk):
            raise Http404
        campaign = campaigns_for_decisions(user=request.user).filter(pk=pk).first()
        if campaign is None:
            raise Http404(_("Không tìm thấy đợt."))
        return campaign

    def _rows(self, campaign, filters):
        latest = EvaluationResult.objects.filter(movement_model=OuterRef("pk")).order_by("-created_at", "-pk")
        rows = models_awaiting_decision(campaign=campaign).annotate(
            classification=Subquery(latest.values("classification")[:1])
        )
        rows = rows.filter(classification__in=["recognised", "outstanding"])
        if filters.is_valid():
            data = filters.cleaned_data
            if data["field"]:
                rows = rows.filter(field=data["field"])
            if data["unit"]:
                rows = rows.filter(unit__path__startswith=data["unit"].path)
            if data["classification"]:
                rows = rows.filter(classification=data["classification"])
        return rows

    def get(self, request, pk: int):
        campaign = self._campaign(request, pk)
        filters = AssemblyFilterForm(data=request.GET or None, campaign=campaign)
        rows = self._rows(campaign, filters)
        preselected = {int(value) for value in request.GET.getlist("model") if value.isdigit()}
        form = DecisionIssueForm(model_ids=[], initial={"models": sorted(preselected)})
        return self._page(request, campaign, filters, rows, form, preselected)

    def post(self, request, pk: int):
        campaign = self._campaign(request, pk)
        filters = AssemblyFilterForm(data=request.GET or None, campaign=campaign)
        rows = self._rows(campaign, filters)
        ids = list(rows.values_list("pk", flat=True))
        form = DecisionIssueForm(data=request.POST, model_ids=ids)
        if form.is_valid():
            chosen = ids if form.cleaned_data["select_all"] else form.cleaned_data["models"]
            try:
                decision = decision_issue_for(
                    user=request.user,
                    campaign=campaign,
                    model_ids=chosen,
                    signed_on=form.cleaned_data["signed_on"],
                    signer_title=form.cleaned_data["signer_title"],
                    bases=form.bases_lines(),
                    recipients=form.recipients_lines(),
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ban hành Quyết định số %(number)s công nhận %(count)s mô hình.")
                    % {"number": decision.number, "count": len(chosen)},
                )
                return redirect("decisions:detail", pk=decision.pk)
        selected = set(form.cleaned_data.get("models", [])) if hasattr(form, "cleaned_data") else set()
        return self._page(request, campaign, filters, rows, form, selected)

    def _page(self, request, campaign, filters, rows, form, selected):
        total = rows.count()
        shown = list(rows[:ROWS_SHOWN])
        counts = {"recognised": 0, "outstanding": 0}
        for value in rows.values_list("classification", flat=True):
            counts[value] = counts.get(value, 0) + 1
        return render(
            request,
            "workflows/decisions/assemble.html",
            {
                "campaign": campaign,
                "filters": filters,
                "rows": shown,
                "total": total,
                "hidden": total - len(shown),
                "counts": counts,
                "form": form,
                "selected": selected,
            },
        )


class DecisionDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        decision = decision_for(user=request.user, pk=pk)
        return self._page(request, decision)

    def _page(self, request, decision, *, revoke_form=None, amend_form=None, scan_form=None, status=200):
        entries = list(decision.entries.select_related("movement_model__unit", "movement_model__field"))
        live = live_entries([entry.movement_model_id for entry in entries])
        live_here = [
            entry
            for entry in entries
            if live.get(entry.movement_model_id, None) and live[entry.movement_model_id].decision_id == decision.pk
        ]
        choices = [(entry.movement_model_id, entry.movement_model.name) for entry in live_here]
        may_correct = may_sign_anything(request.user) and decision.kind != "revocation" and bool(live_here)
        return render(
            request,
            "workflows/decisions/detail.html",
            {
                "decision": decision,
                "entries": entries,
                "live_ids": {entry.movement_model_id for entry in live_here},
                "may_correct": may_correct,
                "may_upload": may_sign_anything(request.user) and not decision.signed_scan,
                "revoke_form": revoke_form or DecisionRevokeForm(model_choices=choices),
                "amend_form": amend_form or DecisionAmendForm(model_choices=choices),
                "scan_form": scan_form or DecisionScanForm(),
            },
            status=status,
        )


class DecisionCorrectionView(DecisionDetailView):
    """POST of the revoke or amend form of a decision (a new decision; the original is never edited)."""

    action = "revoke"

    def post(self, request, pk: int):
        decision = decision_for(user=request.user, pk=pk)
        live = live_entries(decision.entries.values_list("movement_model_id", flat=True))
        choices = [
            (entry.movement_model_id, entry.movement_model.name)
            for entry in decision.entries.select_related("movement_model")
            if entry.movement_model_id in live and live[entry.movement_model_id].decision_id == decision.pk
        ]
        form_class = DecisionRevokeForm if self.action == "revoke" else DecisionAmendForm
        form = form_class(data=request.POST, model_choices=choices)
        if form.is_valid():
            try:
                arguments = {
                    "user": request.user,
                    "decision": decision,
                    "signed_on": form.cleaned_data["signed_on"],
                    "reason": form.cleaned_data["reason"],
                    "signer_title": form.cleaned_data["signer_title"],
                }
                if self.action == "revoke":
                    created = decision_revoke_for(**arguments, model_ids=form.cleaned_data["models"] or None)
                else:
                    created = decision_amend_for(**arguments, classifications=form.classifications())
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Đã ban hành Quyết định số %(number)s.") % {"number": created.number})
                return redirect("decisions:detail", pk=created.pk)
        key = "revoke_form" if self.action == "revoke" else "amend_form"
        return self._page(request, decision, **{key: form}, status=400)


class DecisionScanView(DecisionDetailView):
    def post(self, request, pk: int):
        decision = decision_for(user=request.user, pk=pk)
        if (
            not may_sign_anything(request.user)
            or decision.issuing_unit_id != request.user.unit_id
            and not request.user.is_superuser
        ):
            raise PermissionDenied(_("Bạn không có quyền tải lên bản ký của quyết định này."))
        form = DecisionScanForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                decision_scan_upload(decision=decision, upload=form.cleaned_data["scan"], uploaded_by=request.user)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Đã tải lên bản ký của quyết định."))
                return redirect("decisions:detail", pk=decision.pk)
        return self._page(request, decision, scan_form=form, status=400)


class DecisionPdfView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        decision = decision_for(user=request.user, pk=pk)
        if not decision.pdf:
            raise Http404(_("Quyết định này không có tệp PDF."))
        return _file_response(decision.pdf, f"quyet-dinh-{decision.number.replace('/', '-')}.pdf")


class DecisionScanDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        decision = decision_for(user=request.user, pk=pk)
        if not decision.signed_scan:
            raise Http404(_("Quyết định này chưa có bản quét."))
        return _file_response(
            decision.signed_scan, decision.signed_scan.name.rsplit("/", 1)[-1], "application/octet-stream"
        )


class CertificateView(LoginRequiredMixin, View):
    def get(self, request, pk: int, model_pk: int):
        decision = decision_for(user=request.user, pk=pk)
        if not id_is_storable(model_pk):
            raise Http404
        entry = (
            decision.entries.select_related("movement_model__unit", "movement_model__field")
            .filter(movement_model_id=model_pk)
            .first()
        )
        if entry is None or decision.kind == "revocation":
            raise Http404(_("Không có giấy chứng nhận này."))
        content = certificate_pdf(certificate_document(decision=decision, entry=entry))
        response = FileResponse(iter([content]), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"giay-chung-nhan-{entry.movement_model_id}.pdf"
        )
        return response
