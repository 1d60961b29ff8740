"""Read-only representations of models, processes and tasks.

Input is never validated here: registration and task completion go through the same
Django forms as the web pages (see `workflows.api.views`).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recognition.models import Attachment, MovementModel, Unit, User
from recognition.services.registration import DOSSIER_FIELDS
from workflows.deadlines.calendar import working_calendar
from workflows.deadlines.display import task_due_status
from workflows.models import RecognitionProcess, RecognitionTask
from workflows.selectors import process_tasks


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Thông báo lỗi cho người dùng."))


class InvalidInputSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Lỗi theo từng trường; non_field_errors cho lỗi chung."),
    )


class SimilarModelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    similarity = serializers.FloatField(help_text=_("Độ gần của tên, từ 0 đến 1 (từ 0,85 là rất gần)."))


class DuplicateWarningSerializer(InvalidInputSerializer):
    similar_models = SimilarModelSerializer(
        many=True, required=False, help_text=_("Mô hình cùng đơn vị, cùng đợt có tên rất gần (nếu có).")
    )


class UserSummarySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class UnitSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class ModelSummarySerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = MovementModel
        fields = ["id", "name", "stage", "stage_label"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size_bytes", "sha256", "stage", "uploaded_at"]


class RegistrationSerializer(serializers.ModelSerializer):
    """A registered model as listed: classification, where it is in the lifecycle, its process."""

    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    field = serializers.SerializerMethodField()
    unit = UnitSummarySerializer(read_only=True)
    campaign = serializers.SerializerMethodField()
    process = serializers.SerializerMethodField()
    registered_by_unit = UnitSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = MovementModel
        fields = [
            "id",
            "name",
            "kind",
            "collective_kind",
            "field",
            "unit",
            "registered_on_behalf",
            "registered_by_unit",
            "nominated_from",
            "campaign",
            "stage",
            "stage_label",
            "final_score",
            "process",
            "created_at",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}},
        }
    )
    def get_field(self, movement_model) -> dict:
        field = movement_model.field
        return {"id": field.pk, "code": field.code, "name": field.name}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "year": {"type": "integer"}},
        }
    )
    def get_campaign(self, movement_model) -> dict:
        campaign = movement_model.campaign
        return {"id": campaign.pk, "name": campaign.name, "year": campaign.year}

    def get_process(self, movement_model) -> int | None:
        try:
            return movement_model.process.pk
        except ObjectDoesNotExist:
            return None


class RegistrationDetailSerializer(RegistrationSerializer):
    """A model with its whole dossier and attachments."""

    submitted_by = UserSummarySerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [
            *RegistrationSerializer.Meta.fields,
            *(name for name in DOSSIER_FIELDS if name not in RegistrationSerializer.Meta.fields),
            "submitted_by",
            "outcome_reason",
            "attachments",
            "updated_at",
        ]


class DeadlineSerializer(serializers.Serializer):
    due_on = serializers.DateField(allow_null=True, help_text=_("Hạn xử lý (hết ngày này, giờ Việt Nam)."))
    working_days_left = serializers.IntegerField(allow_null=True, help_text=_("Ngày làm việc còn lại; 0 là hôm nay."))
    overdue_working_days = serializers.IntegerField(allow_null=True, help_text=_("Số ngày làm việc đã quá hạn."))
    is_overdue = serializers.BooleanField()
    label = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer):
    """A human task with the model it is about."""

    process = serializers.IntegerField(source="process_id", read_only=True)
    node = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    # Null until someone claims the task; null too for the engine's own steps (start, gateways).
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    unit = UnitSummarySerializer(read_only=True, allow_null=True)
    model = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = RecognitionTask
        fields = [
            "id",
            "process",
            "node",
            "title",
            "status",
            "created",
            "assigned",
            "finished",
            "owner",
            "unit",
            "model",
            "due_on",
            "deadline",
        ]

    def get_node(self, task) -> str:
        return task.flow_task.name

    def get_title(self, task) -> str:
        return str(task.title)

    @extend_schema_field(ModelSummarySerializer)
    def get_model(self, task) -> dict:
        return ModelSummarySerializer(task.process.subject_model).data

    @extend_schema_field(DeadlineSerializer)
    def get_deadline(self, task) -> dict:
        """Working days left or overdue today (Asia/Ho_Chi_Minh); one calendar for a whole page."""
        if "deadline_calendar" not in self.context:
            self.context["deadline_calendar"] = working_calendar()
        status = task_due_status(task=task, calendar=self.context["deadline_calendar"])
        return DeadlineSerializer(status).data


class ProcessTaskSerializer(serializers.ModelSerializer):
    """A step of a process as shown in its history (human tasks and engine steps alike)."""

    node = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    type = serializers.CharField(source="flow_task_type", read_only=True)
    # Null until someone claims the task; null too for the engine's own steps (start, gateways).
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    unit = UnitSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = RecognitionTask
        fields = ["id", "node", "title", "type", "status", "owner", "unit", "created", "finished"]

    def get_node(self, task) -> str:
        return task.flow_task.name

    def get_title(self, task) -> str:
        return str(task.title)


class ProcessSerializer(serializers.ModelSerializer):
    """A recognition process: its status, the model's current stage and every step so far."""

    model = serializers.SerializerMethodField()
    stage = serializers.CharField(source="movement_model.stage", read_only=True)
    stage_label = serializers.CharField(source="movement_model.get_stage_display", read_only=True)
    # Null until the council's scores are tallied.
    final_score = serializers.DecimalField(
        source="movement_model.final_score", max_digits=6, decimal_places=2, read_only=True, allow_null=True
    )
    outcome_reason = serializers.CharField(source="movement_model.outcome_reason", read_only=True)
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = RecognitionProcess
        fields = [
            "id",
            "status",
            "created",
            "finished",
            "model",
            "stage",
            "stage_label",
            "final_score",
            "outcome_reason",
            "tasks",
        ]

    @extend_schema_field(ModelSummarySerializer)
    def get_model(self, process) -> dict:
        return ModelSummarySerializer(process.subject_model).data

    @extend_schema_field(ProcessTaskSerializer(many=True))
    def get_tasks(self, process) -> list:
        return ProcessTaskSerializer(process_tasks(process=process), many=True).data
