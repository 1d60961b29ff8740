"""API for decisions (mounted at /api/v1/ by workflows.api.urls): the same services as the pages."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from recognition.models import Campaign, Classification, DecisionEntry, RecognitionDecision
from recognition.services.decisions import live_entries
from workflows.decision_flow import (
    campaigns_for_decisions,
    decision_amend_for,
    decision_issue_for,
    decision_revoke_for,
    decisions_visible_to,
)

from .views import FORBIDDEN, INVALID, LIST_INVALID, NOT_FOUND, ApiViewSet

# Serializers -------------------------------------------------------------------------------------


class DecisionEntrySerializer(serializers.ModelSerializer):
    model = serializers.IntegerField(source="movement_model_id")
    name = serializers.CharField(source="movement_model.name")
    unit = serializers.CharField(source="movement_model.unit.name")
    field = serializers.CharField(source="movement_model.field.name")
    collective_kind = serializers.CharField(source="movement_model.collective_kind")
    classification_label = serializers.CharField(source="get_classification_display")

    class Meta:
        model = DecisionEntry
        fields = ["model", "name", "unit", "field", "collective_kind", "classification", "classification_label"]


class DecisionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_("recognition / revocation / amendment"))
    status = serializers.CharField(read_only=True, help_text=_("issued: đã ban hành (không sửa được)"))
    kind_label = serializers.CharField(source="get_kind_display")
    campaign = serializers.IntegerField(source="campaign_id")
    issuing_unit = serializers.CharField(source="issuing_unit.name")
    revokes = serializers.IntegerField(source="revokes_id", allow_null=True)
    amends = serializers.IntegerField(source="amends_id", allow_null=True)

    class Meta:
        model = RecognitionDecision
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "status",
            "year",
            "signed_on",
            "campaign",
            "issuing_unit",
            "summary",
            "revokes",
            "amends",
            "pdf_sha256",
        ]


class DecisionDetailSerializer(DecisionSerializer):
    entries = DecisionEntrySerializer(many=True)
    revoked_by = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    amended_by = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    live_models = serializers.SerializerMethodField()

    class Meta(DecisionSerializer.Meta):
        fields = [
            *DecisionSerializer.Meta.fields,
            "signer_name",
            "signer_title",
            "place",
            "reason",
            "bases",
            "recipients",
            "signed_scan_sha256",
            "revoked_by",
            "amended_by",
            "live_models",
            "entries",
        ]

    def get_live_models(self, decision) -> list[int]:
        """The models this decision still speaks for (not revoked or amended since)."""
        ids = [entry.movement_model_id for entry in decision.entries.all()]
        return sorted(pk for pk, entry in live_entries(ids).items() if entry.decision_id == decision.pk)


class DecisionIssueSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text=_("Mã đợt; đơn vị của bạn phải là đơn vị tổ chức đợt."))
    models = serializers.ListField(child=serializers.IntegerField(), help_text=_("Mã các mô hình chờ quyết định."))
    signed_on = serializers.DateField()
    signer_title = serializers.CharField(required=False, allow_blank=True, max_length=100)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=500)
    bases = serializers.ListField(child=serializers.CharField(), required=False)
    recipients = serializers.ListField(child=serializers.CharField(), required=False)


class DecisionRevokeSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)
    models = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=_("Để trống: mọi mô hình quyết định còn hiệu lực.")
    )
    signer_title = serializers.CharField(required=False, allow_blank=True, max_length=100)


class AmendmentChangeSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    classification = serializers.ChoiceField(choices=[Classification.RECOGNISED, Classification.OUTSTANDING])


class DecisionAmendSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)
    changes = AmendmentChangeSerializer(many=True)
    signer_title = serializers.CharField(required=False, allow_blank=True, max_length=100)


# Views -------------------------------------------------------------------------------------------


class DecisionFilter(django_filters.FilterSet):
    class Meta:
        model = RecognitionDecision
        fields = ["campaign", "year", "kind"]


CREATED = OpenApiResponse(DecisionDetailSerializer, description=_("Đã ban hành quyết định."))


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách quyết định trong phạm vi đơn vị"),
        responses={200: DecisionSerializer(many=True), 400: LIST_INVALID},
    ),
    retrieve=extend_schema(
        summary=_("Một quyết định và danh sách kèm theo"), responses={200: DecisionDetailSerializer, 404: NOT_FOUND}
    ),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Recognition, revocation and amendment decisions issued in the user's subtree or naming its models."""

    filterset_class = DecisionFilter
    orderings = {"-signed_on": ("-signed_on", "-id"), "signed_on": ("signed_on", "id")}
    parser_classes = [JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RecognitionDecision.objects.none()
        queryset = decisions_visible_to(user=self.request.user).order_by("-signed_on", "-id")
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "entries__movement_model__unit", "entries__movement_model__field", "revoked_by", "amended_by"
            )
        return queryset

    def get_serializer_class(self):
        return DecisionSerializer if self.action == "list" else DecisionDetailSerializer

    def _detail(self, decision, status_code=status.HTTP_201_CREATED) -> Response:
        fresh = self.get_queryset().prefetch_related(
            "entries__movement_model__unit", "entries__movement_model__field", "revoked_by", "amended_by"
        )
        return Response(DecisionDetailSerializer(fresh.get(pk=decision.pk)).data, status=status_code)

    @extend_schema(
        summary=_("Ban hành một quyết định công nhận cho nhiều mô hình"),
        request=DecisionIssueSerializer,
        responses={201: CREATED, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request):
        data = _validated(DecisionIssueSerializer, request)
        campaign = campaigns_for_decisions(user=request.user).filter(pk=data["campaign"]).first()
        if campaign is None:
            if Campaign.objects.filter(pk=data["campaign"]).exists():
                raise Http404
            raise DjangoValidationError({"campaign": [_("Không có đợt này.")]})
        decision = decision_issue_for(
            user=request.user,
            campaign=campaign,
            model_ids=data["models"],
            signed_on=data["signed_on"],
            signer_title=data.get("signer_title", ""),
            bases=data.get("bases", []),
            recipients=data.get("recipients", []),
            summary=data.get("summary", ""),
        )
        return self._detail(decision)

    @extend_schema(
        summary=_("Thu hồi quyết định (ban hành quyết định thu hồi, có lý do)"),
        request=DecisionRevokeSerializer,
        responses={201: CREATED, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        decision = self.get_object()
        data = _validated(DecisionRevokeSerializer, request)
        revocation = decision_revoke_for(
            user=request.user,
            decision=decision,
            signed_on=data["signed_on"],
            reason=data["reason"],
            model_ids=data.get("models") or None,
            signer_title=data.get("signer_title", ""),
        )
        return self._detail(revocation)

    @extend_schema(
        summary=_("Sửa đổi xếp loại (ban hành quyết định sửa đổi, có lý do)"),
        request=DecisionAmendSerializer,
        responses={201: CREATED, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        decision = self.get_object()
        data = _validated(DecisionAmendSerializer, request)
        amendment = decision_amend_for(
            user=request.user,
            decision=decision,
            signed_on=data["signed_on"],
            reason=data["reason"],
            classifications={change["model"]: change["classification"] for change in data["changes"]},
            signer_title=data.get("signer_title", ""),
        )
        return self._detail(amendment)

    @extend_schema(
        summary=_("Tệp PDF của quyết định"),
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("Tệp PDF.")),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        decision = self.get_object()
        if not decision.pdf:
            raise Http404
        response = FileResponse(decision.pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"quyet-dinh-{decision.number.replace('/', '-')}.pdf"
        )
        return response


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


router = SimpleRouter()
router.register("decisions", DecisionViewSet, basename="api-decision")
urlpatterns = router.urls
