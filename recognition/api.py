"""REST API v1 of the audit trail (mounted at /api/v1/audit/): read-only, scoped like the workspace.

GET only: any write method answers 405; a user without the audit permission 403;
a model outside the user's subtree 404.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from recognition.audit.bundle import bundle_build
from recognition.audit.filters import AuditEventFilter
from recognition.audit.selectors import (
    audit_events_visible_to,
    audit_models_visible_to,
    audit_tree_load,
    audit_tree_size,
    can_audit,
    evaluation_explanation,
    model_timeline,
)
from recognition.models import AuditEvent
from recognition.models.audit import AuditCheckpoint
from recognition.services.audit_tree import checkpoint_json, checkpoint_latest


class CanAudit(permissions.BasePermission):
    message = _("Chỉ cán bộ kiểm tra, giám sát được xem nhật ký.")

    def has_permission(self, request, view):
        return can_audit(request.user)


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField()
    actor_unit_name = serializers.CharField(source="actor_unit.name", default=None, read_only=True)
    on_behalf_of_name = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_label",
            "actor",
            "actor_name",
            "on_behalf_of",
            "on_behalf_of_name",
            "actor_unit",
            "actor_unit_name",
            "actor_roles",
            "movement_model",
            "process_id",
            "task_id",
            "action",
            "action_label",
            "reason",
            "payload",
            "client_ip",
            "user_agent",
            "chain_key",
            "sequence",
            "previous_hash",
            "record_hash",
        ]
        read_only_fields = fields

    def get_actor_name(self, event) -> str | None:
        return event.actor.get_full_name() if event.actor_id else None

    def get_on_behalf_of_name(self, event) -> str | None:
        return event.on_behalf_of.get_full_name() if event.on_behalf_of_id else None


class TrailPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class _AuditApi:
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, CanAudit]

    def visible_model(self):
        return get_object_or_404(audit_models_visible_to(user=self.request.user), pk=self.kwargs["pk"])


class ModelTrailView(_AuditApi, generics.ListAPIView):
    """Every audit record of one model, in chain order."""

    serializer_class = AuditEventSerializer
    pagination_class = TrailPagination
    filter_backends = []

    def get_queryset(self):
        return model_timeline(movement_model=self.visible_model())


class EventSearchView(_AuditApi, generics.ListAPIView):
    """Search records by actor, unit, action, model, field (lĩnh vực), changed field and date range."""

    serializer_class = AuditEventSerializer
    pagination_class = TrailPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return audit_events_visible_to(user=self.request.user).order_by("-occurred_at", "-pk")


class ModelBundleView(_AuditApi, APIView):
    """The model's trail as a verifiable bundle (`manage.py audit_verify --bundle FILE`)."""

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(bundle_build(movement_model=self.visible_model(), exported_by=request.user))


class ModelEvaluationView(_AuditApi, APIView):
    """Each council member's points per criterion, the aggregation rule, the thresholds and the result."""

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        explanation = evaluation_explanation(movement_model=self.visible_model())
        return Response(
            {
                "criteria": [
                    {"code": c.code, "name": c.name, "max_points": c.max_points, "weight": str(c.weight)}
                    for c in explanation.criteria
                ],
                "max_total": str(explanation.max_total),
                "rubric_stored": explanation.rubric_stored,
                "sheets": [
                    {
                        "member": sheet.member.get_username(),
                        "member_name": sheet.member.get_full_name(),
                        "points": dict(zip([c.code for c in explanation.criteria], sheet.points, strict=True)),
                        "total": sheet.total,
                        "normalised": str(sheet.normalised),
                        "comment": sheet.comment,
                    }
                    for sheet in explanation.sheets
                ],
                "results": [
                    {
                        "aggregation": result.aggregation,
                        "score": str(result.score),
                        "pass_threshold": str(result.pass_threshold),
                        "outstanding_threshold": str(result.outstanding_threshold),
                        "member_count": result.member_count,
                        "procedure_version_id": result.procedure_version_id,
                        "classification": result.classification,
                        "classification_label": result.get_classification_display(),
                        "created_at": result.created_at,
                    }
                    for result in explanation.results
                ],
            }
        )


def _size_parameter(request, name: str, *, default: int | None) -> int:
    raw = request.query_params.get(name)
    if raw in (None, "") and default is not None:
        return default
    try:
        value = int(raw)
        if value < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise serializers.ValidationError({name: [_("Phải là số lá của cây (số nguyên không âm).")]})
    return value


class CheckpointLatestView(_AuditApi, APIView):
    """The latest signed checkpoint of the audit Merkle tree (size, root, time, key id, Ed25519 signature).

    For witnesses outside the system: keep it, and later ask for a consistency proof
    from its size. It reveals no record, only the tree's size and root hash.
    """

    @extend_schema(responses={200: dict})
    def get(self, request):
        checkpoint = checkpoint_latest()
        if checkpoint is None:
            return Response({"detail": _("Chưa có mốc kiểm tra nào.")}, status=404)
        return Response(checkpoint_json(checkpoint))


class CheckpointConsistencyView(_AuditApi, APIView):
    """RFC 9162 consistency proof that the tree of `to` leaves extends the tree of `from` leaves.

    `from`: the size of a checkpoint the witness holds; `to`: defaults to the latest
    signed checkpoint, which is returned with the proof when its size is `to`.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description=_("Số lá của mốc nhân chứng đang giữ.")),
            OpenApiParameter("to", int, required=False, description=_("Số lá của mốc mới (mặc định: mốc mới nhất).")),
        ],
        responses={200: dict},
    )
    def get(self, request):
        latest = checkpoint_latest()
        old_size = _size_parameter(request, "from", default=None)
        new_size = _size_parameter(request, "to", default=latest.tree_size if latest else 0)
        stored = audit_tree_size()
        if old_size > new_size:
            raise serializers.ValidationError({"from": [_("“from” phải không lớn hơn “to”.")]})
        if new_size > stored:
            raise serializers.ValidationError(
                {"to": [_("Cây nhật ký hiện có %(size)s lá: không có mốc lớn hơn.") % {"size": stored}]}
            )
        proof = audit_tree_load(size=new_size).consistency_proof(old_size, new_size)
        checkpoint = (
            AuditCheckpoint.objects.filter(tree_size=new_size).order_by("-signed_at", "-pk").first()
            if new_size
            else None
        )
        return Response(
            {
                "from": old_size,
                "to": new_size,
                "proof": [node.hex() for node in proof],
                "checkpoint": checkpoint_json(checkpoint) if checkpoint else None,
            }
        )


urlpatterns = [
    path("checkpoints/latest/", CheckpointLatestView.as_view(), name="api-audit-checkpoint-latest"),
    path("checkpoints/consistency/", CheckpointConsistencyView.as_view(), name="api-audit-checkpoint-consistency"),
    path("events/", EventSearchView.as_view(), name="api-audit-events"),
    path("models/<int:pk>/events/", ModelTrailView.as_view(), name="api-audit-model-events"),
    path("models/<int:pk>/bundle/", ModelBundleView.as_view(), name="api-audit-model-bundle"),
    path("models/<int:pk>/evaluation/", ModelEvaluationView.as_view(), name="api-audit-model-evaluation"),
]
