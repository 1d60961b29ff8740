"""API shapes of the designer: definitions, versions (with the spec JSON), problems, diffs."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .access import can_change_definition
from .models import ProcedureDefinition, ProcedureVersion


class DesignerErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Thông báo lỗi cho người dùng."))


class DesignerInvalidInputSerializer(DesignerErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_(
            "Lỗi theo từng trường; với nội dung quy trình, khóa là vị trí trong nội dung (ví dụ "
            "“evaluation.pass_threshold”) hoặc “spec” cho lỗi cấu trúc."
        ),
    )


STATUS_HELP = _("draft (bản nháp), published (đang áp dụng) hoặc retired (đã thay thế).")


class VersionSummarySerializer(serializers.ModelSerializer):
    # A plain string in the schema: a second enum named "status" would collide with the processes' one.
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ProcedureVersion
        fields = ["id", "number", "status", "status_label", "based_on", "created_at", "published_at", "publish_reason"]
        read_only_fields = fields


class DefinitionSerializer(serializers.ModelSerializer):
    owner_unit_name = serializers.CharField(source="owner_unit.name", default=None, read_only=True)
    can_change = serializers.SerializerMethodField(help_text=_("Người gọi được tạo bản nháp, sửa, ban hành."))
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ProcedureDefinition
        fields = ["id", "name", "owner_unit", "owner_unit_name", "can_change", "versions"]
        read_only_fields = fields

    def get_can_change(self, definition) -> bool:
        return can_change_definition(self.context["request"].user, definition)

    @extend_schema_field(VersionSummarySerializer(many=True))
    def get_versions(self, definition) -> list[dict]:
        versions = sorted(definition.versions.all(), key=lambda version: -version.number)
        return VersionSummarySerializer(versions, many=True).data


class VersionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    definition_name = serializers.CharField(source="definition.name", read_only=True)
    spec = serializers.JSONField(help_text=_("Nội dung phiên bản (JSON, có schema_version)."))

    class Meta:
        model = ProcedureVersion
        fields = [
            "id",
            "definition",
            "definition_name",
            "number",
            "status",
            "status_label",
            "based_on",
            "created_at",
            "updated_at",
            "published_at",
            "publish_reason",
            "spec",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    where = serializers.CharField(help_text=_("Vị trí trong nội dung, ví dụ “stages.survey.performer_role”."))
    message = serializers.CharField()


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class PublishRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, required=False, help_text=_("Bắt buộc: lý do ban hành (căn cứ, văn bản hướng dẫn).")
    )


class DiffRowSerializer(serializers.Serializer):
    path = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class DiffSerializer(serializers.Serializer):
    base = VersionSummarySerializer(allow_null=True, help_text=_("Phiên bản được so sánh (bản đang áp dụng)."))
    changes = DiffRowSerializer(many=True)
