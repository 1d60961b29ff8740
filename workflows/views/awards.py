"""The award pages: proposals list, a new proposal from the candidates, a proposal with its PDF
and the form recording the authority's decision. Each calls one service; scope answers 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from recognition.services.awards import PROPOSE_PERMISSION, award_proposals_visible_to, award_propose, award_record
from workflows.award_forms import AwardRecordForm, CandidateFilterForm, ProposalForm
from workflows.ids import id_is_storable

CANDIDATE_PAGE_SIZE = 500


def _namespace(request) -> str:
    return request.resolver_match.namespace or "awards"


def _proposal_or_404(request, pk):
    if not id_is_storable(pk):
        raise Http404
    proposal = award_proposals_visible_to(user=request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("Không tìm thấy tờ trình trong phạm vi đơn vị của bạn."))
    return proposal


def _add_errors(form, error: ValidationError) -> None:
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, field_errors in by_field.items():
        form.add_error(field if field in form.fields else None, field_errors)


class ProposalListView(LoginRequiredMixin, ListView):
    template_name = "workflows/awards/index.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        return award_proposals_visible_to(user=self.request.user).prefetch_related("items")


class ProposalCreateView(LoginRequiredMixin, View):
    """GET lists the candidates of a campaign (filters in the query); POST sends the proposal."""

    template = "workflows/awards/create.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(PROPOSE_PERMISSION):
            raise PermissionDenied(_("Chỉ cơ quan thường trực được đề nghị khen thưởng."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        filters = CandidateFilterForm(data=request.GET or None, user=request.user)
        if not filters.is_bound:
            first = filters.fields["campaign"].queryset.first()
            filters = CandidateFilterForm(data={"campaign": first.pk} if first else None, user=request.user)
        form = ProposalForm(initial=filters.data, user=request.user)
        return self._render(request, filters=filters, form=form)

    def post(self, request):
        form = ProposalForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                proposal = award_propose(
                    proposed_by=request.user,
                    campaign=form.cleaned_data["campaign"],
                    award_kind=form.cleaned_data["award_kind"],
                    authority=form.cleaned_data["authority"],
                    movement_models=form.chosen_models(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã lập tờ trình số %(number)s đề nghị khen thưởng %(count)s mô hình.")
                    % {"number": proposal.number, "count": proposal.items.count()},
                )
                return HttpResponseRedirect(reverse(f"{_namespace(request)}:detail", args=[proposal.pk]))
        filters = CandidateFilterForm(
            data={key: request.POST.get(key, "") for key in ("campaign", "field", "q")}, user=request.user
        )
        return self._render(request, filters=filters, form=form, status=400)

    def _render(self, request, *, filters, form, status=200):
        candidates, total = [], 0
        if filters.is_bound and filters.is_valid():
            queryset = filters.candidates()
            total = queryset.count()
            candidates = list(queryset[:CANDIDATE_PAGE_SIZE])
        chosen = {str(value) for value in (form.data.getlist("movement_models") if form.is_bound else [])}
        context = {
            "filters": filters,
            "form": form,
            "candidates": candidates,
            "candidate_total": total,
            "candidates_truncated": total > len(candidates),
            "chosen": chosen,
        }
        return render(request, self.template, context, status=status)


class ProposalDetailView(LoginRequiredMixin, View):
    template = "workflows/awards/detail.html"

    def get(self, request, pk):
        proposal = _proposal_or_404(request, pk)
        return self._render(request, proposal, AwardRecordForm(initial=self._initial(proposal)))

    def post(self, request, pk):
        """Record the authority's decision."""
        proposal = _proposal_or_404(request, pk)
        form = AwardRecordForm(data=request.POST)
        if form.is_valid():
            try:
                awards = award_record(
                    recorded_by=request.user,
                    proposal=proposal,
                    number=form.cleaned_data["number"],
                    decided_on=form.cleaned_data["decided_on"],
                    authority=form.cleaned_data["authority"],
                    kind=form.cleaned_data["kind"],
                    movement_models=form.chosen_models(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("Đã ghi nhận quyết định khen thưởng cho %(count)s mô hình.") % {"count": len(awards)}
                )
                return HttpResponseRedirect(reverse(f"{_namespace(request)}:detail", args=[proposal.pk]))
        return self._render(request, proposal, form, status=400)

    @staticmethod
    def _initial(proposal) -> dict:
        return {"authority": proposal.authority, "kind": proposal.award_kind}

    def _render(self, request, proposal, form, status=200):
        items = list(proposal.items.select_related("movement_model__unit", "movement_model__field", "award"))
        can_record = (
            proposal.status == "proposed"
            and request.user.has_perm(PROPOSE_PERMISSION)
            and request.user.unit_id == proposal.proposing_unit_id
        )
        context = {"proposal": proposal, "items": items, "form": form, "can_record": can_record}
        return render(request, self.template, context, status=status)


class ProposalPdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        proposal = _proposal_or_404(request, pk)
        response = FileResponse(proposal.pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"to-trinh-{proposal.number.replace('/', '-')}.pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
