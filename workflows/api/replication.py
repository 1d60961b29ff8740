"""API of replication (mounted at /api/v1/): a model's adoptions and coverage, recording adoptions,
reporting on one, and the adopting-unit search. Same forms and services as the pages.

Reporting completes the adoption's follow-up task (claiming it first when it waits in
the unit's queue), so the report page and the API leave the same trail.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.status import STATUS

from recognition.coverage import model_coverage
from recognition.models import MovementModel, Replication, ReplicationStatus
from recognition.selectors import models_visible_to
from recognition.services.replication import adoption_candidates_search
from workflows.exceptions import TaskNotAvailable
from workflows.followups import adoption_open_task, adoptions_record
from workflows.forms import AdoptionRecordForm
from workflows.ids import id_is_storable
from workflows.models import RecognitionTask
from workflows.services import task_claim, task_complete

from .serializers import ErrorSerializer, InvalidInputSerializer

INVALID = OpenApiResponse(InvalidInputSerializer, description=_("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Không có quyền."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Không tìm thấy trong phạm vi đơn vị của bạn."))
CONFLICT = OpenApiResponse(ErrorSerializer, description=_("Không có báo cáo nào đang chờ cho đơn vị này."))


class AdoptionSerializer(serializers.ModelSerializer):
    adopting_unit = serializers.IntegerField(source="adopting_unit_id")
    adopting_unit_name = serializers.CharField(source="adopting_unit.name")
    status_label = serializers.CharField(source="get_status_display")
    report_due_on = serializers.SerializerMethodField()

    class Meta:
        model = Replication
        fields = [
            "id",
            "adopting_unit",
            "adopting_unit_name",
            "status",
            "status_label",
            "started_on",
            "implementing_since",
            "effective_since",
            "report",
            "reported_at",
            "report_due_on",
        ]

    def get_report_due_on(self, replication) -> str | None:
        due = self.context.get("report_due")
        if due is not None:  # read for the whole list at once
            day = due.get(replication.pk)
        else:
            task = adoption_open_task(replication)
            day = task.due_on if task is not None else None
        return day.isoformat() if day else None


class CoverageSerializer(serializers.Serializer):
    level = serializers.IntegerField(source="level_id")
    level_name = serializers.CharField()
    adopting = serializers.IntegerField()
    eligible = serializers.IntegerField()
    percent = serializers.IntegerField()
    label = serializers.CharField()


class ModelReplicationSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    adoptions = AdoptionSerializer(many=True)
    coverage = CoverageSerializer(many=True)


class AdoptionRecordRequest(serializers.Serializer):
    adopting_units = serializers.ListField(child=serializers.IntegerField(), help_text=_("Mã các đơn vị áp dụng."))
    started_on = serializers.DateField(help_text=_("Ngày bắt đầu áp dụng."))
    status = serializers.ChoiceField(choices=ReplicationStatus.choices, required=False)


class AdoptionReportRequest(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReplicationStatus.choices)
    adoption_report = serializers.CharField(help_text=_("Báo cáo ngắn kết quả áp dụng."))


class UnitResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent = serializers.CharField()
    label = serializers.CharField()


class UnitSearchSerializer(serializers.Serializer):
    results = UnitResultSerializer(many=True)


class ApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    parser_classes = [JSONParser, FormParser]


def _visible_model(user, pk: int) -> MovementModel:
    if not id_is_storable(pk):
        raise Http404
    return get_object_or_404(models_visible_to(user=user).select_related("campaign__organising_unit"), pk=pk)


def _model_replication(movement_model: MovementModel) -> dict:
    adoptions = (
        Replication.objects.filter(source_model=movement_model)
        .select_related("adopting_unit")
        .order_by("started_on", "adopting_unit__name")
    )
    report_due = dict(
        RecognitionTask.objects.filter(
            process__replication__source_model=movement_model,
            flow_task_type="HUMAN",
            status__in=(STATUS.NEW, STATUS.ASSIGNED),
        ).values_list("process__replication_id", "due_on")
    )
    return ModelReplicationSerializer(
        {"model": movement_model.pk, "adoptions": adoptions, "coverage": model_coverage(movement_model)},
        context={"report_due": report_due},
    ).data


class ModelReplicationApiView(ApiView):
    @extend_schema(
        summary=_("Nhân rộng của một mô hình: các đơn vị áp dụng và độ bao phủ theo cấp"),
        responses={200: ModelReplicationSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        return Response(_model_replication(_visible_model(request.user, pk)))


class AdoptionRecordApiView(ApiView):
    @extend_schema(
        summary=_("Ghi nhận đơn vị áp dụng mô hình (mỗi đơn vị mới có việc báo cáo riêng, có hạn)"),
        request=AdoptionRecordRequest,
        responses={201: ModelReplicationSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        movement_model = _visible_model(request.user, pk)
        if not request.user.has_perm("recognition.track_replication"):
            raise PermissionDenied(_("Bạn không có quyền ghi nhận nhân rộng."))
        form = AdoptionRecordForm(data=request.data, movement_model=movement_model, user=request.user)
        if not form.is_valid():
            from .views import _form_errors

            raise _form_errors(form)
        with transaction.atomic():
            # The model's row is locked: the replication task cannot close it meanwhile.
            movement_model = MovementModel.objects.select_for_update().select_related("campaign").get(pk=pk)
            adoptions_record(
                movement_model=movement_model,
                recorded_by=request.user,
                adopting_units=form.cleaned_data["adopting_units"],
                started_on=form.cleaned_data["started_on"],
                status=form.cleaned_data["status"],
            )
        return Response(_model_replication(movement_model), status=status.HTTP_201_CREATED)


class AdoptionReportApiView(ApiView):
    @extend_schema(
        summary=_("Báo cáo kết quả nhân rộng của đơn vị áp dụng (hoàn thành việc báo cáo đang chờ)"),
        request=AdoptionReportRequest,
        responses={200: AdoptionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        user = request.user
        if not id_is_storable(pk) or user.unit_id is None:
            raise Http404
        # Visible to the adopting unit's subtree, and to whoever sees the model.
        replication = get_object_or_404(
            Replication.objects.select_related("adopting_unit").filter(
                Q(adopting_unit__path__startswith=user.unit.path)
                | Q(source_model__in=models_visible_to(user=user).values("pk"))
            ),
            pk=pk,
        )
        task = adoption_open_task(replication)
        if task is None:
            raise TaskNotAvailable(_("Không có báo cáo nào đang chờ cho đơn vị này."))
        if task.status == STATUS.NEW:
            task_claim(task_id=task.pk, user=user)
        elif task.owner_id != user.pk:
            raise PermissionDenied(_("Việc báo cáo này đã do người khác nhận."))
        task_complete(task_id=task.pk, user=user, data=request.data)
        replication.refresh_from_db()
        return Response(AdoptionSerializer(replication).data)


class UnitSearchApiView(ApiView):
    @extend_schema(
        summary=_("Tìm đơn vị có thể áp dụng mô hình theo tên (có hoặc không dấu)"),
        parameters=[OpenApiParameter("q", str, description=_("Một phần tên đơn vị."))],
        responses={200: UnitSearchSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        movement_model = _visible_model(request.user, pk)
        if not request.user.has_perm("recognition.track_replication"):
            raise PermissionDenied(_("Bạn không có quyền ghi nhận nhân rộng."))
        query = request.query_params.get("q", "")[:100]
        return Response({"results": adoption_candidates_search(movement_model=movement_model, query=query)})


urlpatterns: list = [
    path("replication/models/<int:pk>/", ModelReplicationApiView.as_view(), name="api-replication-model"),
    path("replication/models/<int:pk>/adoptions/", AdoptionRecordApiView.as_view(), name="api-replication-adoptions"),
    path("replication/models/<int:pk>/units/", UnitSearchApiView.as_view(), name="api-replication-units"),
    path("replication/adoptions/<int:pk>/report/", AdoptionReportApiView.as_view(), name="api-replication-report"),
]
