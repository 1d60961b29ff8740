"""API for council (mounted at /api/v1/ by workflows.api.urls); same forms and services as the pages.

- GET/PUT `council/campaigns/<id>/`: the campaign's council (members, chair, secretary);
- GET `council/models/<id>/`: the current round's seats and the quorum;
- POST `council/models/<id>/close/`: the chair closes the scoring at the quorum;
- POST `council/models/<id>/end/`: the standing body or the chair ends the case with a reason;
- GET `council/models/<id>/explanation/`: how the council reached its result (chair, auditors).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from recognition.services.council import campaign_council_set
from workflows.council import (
    case_end_request,
    council_candidates,
    council_close,
    council_explanation_for,
    council_state,
    user_manages_council_of,
    user_may_read_explanation,
)
from workflows.forms import CampaignCouncilForm, CaseEndForm
from workflows.views.council import visible_campaign_or_404, visible_model_or_404

from .serializers import ErrorSerializer, InvalidInputSerializer

INVALID = OpenApiResponse(InvalidInputSerializer, description=gettext_lazy("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=gettext_lazy("Không có quyền."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=gettext_lazy("Không tìm thấy trong phạm vi của bạn."))


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CampaignCouncilSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    members = PersonSerializer(many=True)
    chair = PersonSerializer(allow_null=True)
    secretary = PersonSerializer(allow_null=True)


class CampaignCouncilRequestSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField(), help_text=gettext_lazy("Mã các thành viên."))
    chair = serializers.IntegerField(allow_null=True, required=False, help_text=gettext_lazy("Mã chủ tịch hội đồng."))
    secretary = serializers.IntegerField(allow_null=True, required=False, help_text=gettext_lazy("Mã thư ký."))
    reason = serializers.CharField(help_text=gettext_lazy("Lý do thay đổi (bắt buộc)."))


class CouncilStateSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    stage = serializers.CharField()
    voted = serializers.IntegerField(allow_null=True)
    seats = serializers.IntegerField(allow_null=True)
    quorum = serializers.IntegerField(allow_null=True)
    open_members = serializers.ListField(child=serializers.CharField())
    may_close = serializers.BooleanField()


class CaseEndRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=gettext_lazy("Lý do kết thúc hồ sơ (bắt buộc)."))


class CaseEndSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    stage = serializers.CharField()
    outcome_reason = serializers.CharField()


class ExplanationSerializer(serializers.Serializer):
    result = serializers.IntegerField()
    evaluation_round = serializers.IntegerField()
    procedure_version = serializers.IntegerField(allow_null=True)
    aggregation = serializers.CharField()
    aggregation_label = serializers.CharField()
    score = serializers.CharField()
    pass_threshold = serializers.CharField()
    outstanding_threshold = serializers.CharField()
    classification = serializers.CharField()
    classification_label = serializers.CharField()
    quorum = serializers.IntegerField()
    member_count = serializers.IntegerField()
    rubric = serializers.ListField(child=serializers.DictField())
    max_total = serializers.CharField()
    members = serializers.ListField(child=serializers.DictField())
    dissenting_notes = serializers.ListField(child=serializers.DictField())
    recusals = serializers.ListField(child=serializers.DictField())
    closure = serializers.DictField(allow_null=True)


class ApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    parser_classes = [JSONParser, FormParser, MultiPartParser]


def _person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def _form_errors(form) -> ValidationError:
    return ValidationError(
        {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
    )


def _state_json(movement_model) -> dict:
    state = council_state(movement_model=movement_model) or {}
    return {
        "model": movement_model.pk,
        "stage": movement_model.stage,
        "voted": state.get("voted"),
        "seats": state.get("seats"),
        "quorum": state.get("quorum"),
        "open_members": state.get("open_members", []),
        "may_close": bool(state.get("may_close")),
    }


class CampaignCouncilApiView(ApiView):
    def _campaign(self, request, pk):
        campaign = visible_campaign_or_404(request.user, pk)
        if not user_manages_council_of(user=request.user, campaign=campaign):
            raise PermissionDenied(_("Chỉ cơ quan thường trực của đơn vị tổ chức được đặt hội đồng."))
        return campaign

    def _json(self, campaign) -> dict:
        return {
            "campaign": campaign.pk,
            "members": [_person(member) for member in campaign.council_members.order_by("pk")],
            "chair": _person(campaign.council_chair),
            "secretary": _person(campaign.council_secretary),
        }

    @extend_schema(
        summary=gettext_lazy("Hội đồng xét công nhận của một đợt"),
        responses={200: CampaignCouncilSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        return Response(self._json(self._campaign(request, pk)))

    @extend_schema(
        summary=gettext_lazy("Đặt hội đồng của một đợt: thành viên, chủ tịch, thư ký"),
        request=CampaignCouncilRequestSerializer,
        responses={200: CampaignCouncilSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def put(self, request, pk: int):
        campaign = self._campaign(request, pk)
        data = request.data
        members = data.get("members") or []
        form = CampaignCouncilForm(
            data={
                "council_members": members if isinstance(members, list) else [members],
                "council_chair": data.get("chair") or "",
                "council_secretary": data.get("secretary") or "",
                "reason": data.get("reason", ""),
            },
            people=council_candidates(campaign),
        )
        if not form.is_valid():
            raise _form_errors(form)
        campaign_council_set(
            campaign=campaign,
            changed_by=request.user,
            members=form.cleaned_data["council_members"],
            chair=form.cleaned_data["council_chair"],
            secretary=form.cleaned_data["council_secretary"],
            reason=form.cleaned_data.get("reason", ""),
        )
        campaign.refresh_from_db()
        return Response(self._json(campaign))


class CouncilStateApiView(ApiView):
    @extend_schema(
        summary=gettext_lazy("Tình hình chấm điểm của hội đồng cho một mô hình"),
        responses={200: CouncilStateSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        return Response(_state_json(visible_model_or_404(request.user, pk)))


class CouncilCloseApiView(ApiView):
    @extend_schema(
        summary=gettext_lazy("Chủ tịch kết thúc chấm điểm khi đủ số phiếu tối thiểu"),
        request=None,
        responses={200: CouncilStateSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        movement_model = visible_model_or_404(request.user, pk)
        council_close(movement_model_id=movement_model.pk, user=request.user)
        movement_model.refresh_from_db()
        return Response(_state_json(movement_model))


class CaseEndApiView(ApiView):
    @extend_schema(
        summary=gettext_lazy("Kết thúc hồ sơ có lý do (cơ quan thường trực hoặc chủ tịch hội đồng)"),
        request=CaseEndRequestSerializer,
        responses={200: CaseEndSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        movement_model = visible_model_or_404(request.user, pk)
        form = CaseEndForm(data={"reason": request.data.get("reason", "")})
        if not form.is_valid():
            raise _form_errors(form)
        case_end_request(movement_model_id=movement_model.pk, user=request.user, reason=form.cleaned_data["reason"])
        movement_model.refresh_from_db()
        return Response(
            {"model": movement_model.pk, "stage": movement_model.stage, "outcome_reason": movement_model.outcome_reason}
        )


class CouncilExplanationApiView(ApiView):
    @extend_schema(
        summary=gettext_lazy("Giải trình kết quả của hội đồng (chủ tịch, cán bộ kiểm tra)"),
        responses={200: ExplanationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        movement_model = visible_model_or_404(request.user, pk)
        if not user_may_read_explanation(user=request.user, campaign=movement_model.campaign):
            raise PermissionDenied(_("Chỉ chủ tịch hội đồng và cán bộ kiểm tra được xem giải trình kết quả."))
        explanation = council_explanation_for(movement_model=movement_model)
        if explanation is None:
            raise Http404
        return Response(explanation.as_dict())


urlpatterns: list = [
    path("council/campaigns/<int:pk>/", CampaignCouncilApiView.as_view(), name="api-council-campaign"),
    path("council/models/<int:pk>/", CouncilStateApiView.as_view(), name="api-council-model"),
    path("council/models/<int:pk>/close/", CouncilCloseApiView.as_view(), name="api-council-close"),
    path("council/models/<int:pk>/end/", CaseEndApiView.as_view(), name="api-council-case-end"),
    path("council/models/<int:pk>/explanation/", CouncilExplanationApiView.as_view(), name="api-council-explanation"),
]
