"""API of the migration (dry run, run, progress) and of the simulation; same forms and services as the pages."""

from collections.abc import Mapping
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from procedures.migration import Plan
from procedures.models import MigrationRun
from procedures.simulation import SimulationResult
from workflows.ids import id_is_storable
from workflows.procedure_forms import MigrationForm, SimulationForm, orphan_field_name
from workflows.procedure_migration import (
    MIGRATE_PERMISSION,
    migration_confirm,
    migration_dry_run,
    migration_run_for,
    migration_run_progress,
)
from workflows.procedure_simulation import simulation_run, simulation_scope_guard

from .serializers import ErrorSerializer, InvalidInputSerializer

INVALID = OpenApiResponse(InvalidInputSerializer, description=_("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Không có quyền, hoặc có hồ sơ ngoài phạm vi đơn vị."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Không tìm thấy trong phạm vi của bạn."))


class MigrationRequestSerializer(serializers.Serializer):
    processes = serializers.ListField(child=serializers.IntegerField(), help_text=_("Mã các quy trình cần chuyển."))
    target = serializers.IntegerField(help_text=_("Mã phiên bản đích (đang áp dụng)."))
    reason = serializers.CharField(required=False, help_text=_("Lý do chuyển; bắt buộc khi dry_run là false."))
    dry_run = serializers.BooleanField(default=True, help_text=_("true: chỉ xem trước, không ghi gì."))
    orphan_choices = serializers.DictField(
        child=serializers.ChoiceField(choices=["cancel", "keep"]),
        required=False,
        help_text=_("Theo từng bước bị bỏ: cancel (hủy, chuyển bước tiếp theo) hoặc keep (giữ đến khi xong)."),
    )


class MigrationProgressSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    percent = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class DryRunSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    target = serializers.IntegerField()
    plans = serializers.ListField(child=serializers.DictField())


class SimulationSerializer(serializers.Serializer):
    draft = serializers.IntegerField()
    published = serializers.IntegerField()
    period = serializers.ListField(child=serializers.DateField())
    results = serializers.DictField(child=serializers.DictField())


class ApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]


def _form_errors(form) -> ValidationError:
    return ValidationError(
        {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
    )


def _migration_form_data(data) -> dict:
    if not isinstance(data, Mapping):
        raise ValidationError(_("Dữ liệu gửi lên phải là một đối tượng JSON."))
    choices = data.get("orphan_choices") or {}
    if not isinstance(choices, Mapping):
        raise ValidationError({"orphan_choices": [_("Cách xử lý nhiệm vụ ở bước bị bỏ phải là một đối tượng JSON.")]})
    return {
        "processes": data.get("processes"),
        "target": data.get("target"),
        "reason": data.get("reason", ""),
        **{orphan_field_name(stage): choice for stage, choice in choices.items()},
    }


def plan_json(plan: Plan) -> dict:
    return {
        "process": plan.process_id,
        "label": plan.label,
        "from_version": plan.from_version_id,
        "to_version": plan.to_version_id,
        "position": plan.position,
        "stages_skipped": list(plan.stages_skipped),
        "stages_added": list(plan.stages_added),
        "tasks": [
            {
                "task": change.task_id,
                "node": change.node,
                "action": change.action,
                "old_due_on": change.old_due_on,
                "new_due_on": change.new_due_on,
                "sla_working_days": change.new_budget,
                "performer": list(change.old_performer) if change.old_performer else None,
                "new_performer": list(change.new_performer) if change.new_performer else None,
            }
            for change in plan.task_changes
        ],
        "tasks_created": list(plan.tasks_created),
        "blocked": plan.blocked,
        "blockers": list(plan.blockers),
    }


class MigrationApiView(ApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary=_("Chuyển hồ sơ sang phiên bản quy trình khác (chạy thử hoặc chuyển thật)"),
        request=MigrationRequestSerializer,
        responses={
            200: OpenApiResponse(DryRunSerializer, description=_("Kết quả chạy thử, không ghi gì.")),
            202: OpenApiResponse(MigrationProgressSerializer, description=_("Đã bắt đầu chuyển.")),
            400: INVALID,
            403: FORBIDDEN,
        },
    )
    def post(self, request):
        if not request.user.has_perm(MIGRATE_PERMISSION):
            raise _forbidden()
        form = MigrationForm(data=_migration_form_data(request.data))
        if not form.is_valid():
            raise _form_errors(form)
        arguments = {
            "user": request.user,
            "process_ids": form.cleaned_data["processes"],
            "target": form.cleaned_data["target"],
            "orphan_choices": form.orphan_choices(),
        }
        if request.data.get("dry_run", True) is not False:
            plans = migration_dry_run(**arguments)
            target = form.cleaned_data["target"].pk
            return Response({"dry_run": True, "target": target, "plans": [plan_json(plan) for plan in plans]})
        run = migration_confirm(**arguments, reason=form.cleaned_data["reason"])
        return Response(migration_run_progress(run), status=status.HTTP_202_ACCEPTED)


class MigrationProgressApiView(ApiView):
    @extend_schema(
        summary=_("Tiến độ một lượt chuyển phiên bản"),
        responses={200: MigrationProgressSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        if not request.user.has_perm(MIGRATE_PERMISSION):
            raise _forbidden()
        if not id_is_storable(pk):
            raise Http404
        try:
            run = migration_run_for(user=request.user, run_id=pk)
        except MigrationRun.DoesNotExist:
            raise Http404 from None
        return Response(migration_run_progress(run))


class SimulationApiView(ApiView):
    @extend_schema(
        summary=_("Mô phỏng bản nháp trên hồ sơ đã xử lý, so với phiên bản đang áp dụng"),
        parameters=[
            OpenApiParameter("draft", int, required=True, description=_("Mã bản nháp.")),
            OpenApiParameter("start", str, description=_("Từ ngày (YYYY-MM-DD); mặc định đầu năm trước.")),
            OpenApiParameter("end", str, description=_("Đến ngày (YYYY-MM-DD); mặc định cuối năm trước.")),
        ],
        responses={200: SimulationSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def get(self, request):
        simulation_scope_guard(user=request.user)
        form = SimulationForm(data=request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        draft = form.cleaned_data["draft"]
        published, comparison = simulation_run(user=request.user, draft=draft, period=form.period())
        return Response(
            {
                "draft": draft.pk,
                "published": published.pk,
                "period": list(form.period()),
                "results": {"published": result_json(comparison.published), "draft": result_json(comparison.draft)},
            }
        )


def result_json(result: SimulationResult) -> dict:
    return {
        "processes": result.processes,
        "stages": [asdict(figures) for figures in result.stages],
        "end_to_end": {"median": result.end_to_end_median, "p90": result.end_to_end_p90},
        "escalated": result.escalated,
        "workload": [
            {"role": role, "month": month, "tasks": count} for (role, month), count in sorted(result.workload.items())
        ],
    }


def _forbidden() -> PermissionDenied:
    return PermissionDenied(_("Bạn không có quyền chuyển hồ sơ sang phiên bản quy trình khác."))
