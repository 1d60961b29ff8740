"""OpenAPI description of the request bodies, derived from the Django forms that validate them.

The API validates registration and task completion with the forms of the web pages.
These serializers exist only for the schema: they are generated from the same form
classes, so the documentation cannot drift from what is enforced.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer
from rest_framework import serializers

from recognition.forms import DossierForm, MultipleFileField
from workflows.forms import UnitPickerField
from workflows.stages import STAGES

# Criteria codes of the default collective rubric, used in the examples only.
_EXAMPLE_CRITERIA = [
    "tt-sang-tao",
    "tt-chap-hanh-phap-luat",
    "tt-huy-dong-luc-luong",
    "tt-hai-hoa-loi-ich",
    "tt-ben-vung",
]


def _serializer_field(form_field: forms.Field) -> serializers.Field:
    options = {"required": form_field.required, "help_text": form_field.label}
    if isinstance(form_field, MultipleFileField):
        return serializers.ListField(child=serializers.FileField(), required=False, help_text=form_field.label)
    if isinstance(form_field, forms.FileField):
        return serializers.FileField(**options)
    if isinstance(form_field, UnitPickerField):
        return serializers.ListField(child=serializers.IntegerField(), **options)
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **options)
    if isinstance(form_field, forms.ModelChoiceField):
        return serializers.IntegerField(**options)
    if isinstance(form_field, forms.ChoiceField):
        choices = [(value, label) for value, label in form_field.choices if value not in ("", None)]
        return serializers.ChoiceField(choices=choices, **options)
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(required=False, help_text=form_field.label)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(min_value=form_field.min_value, max_value=form_field.max_value, **options)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**options)
    max_length = getattr(form_field, "max_length", None)
    return serializers.CharField(max_length=max_length, allow_blank=not form_field.required, **options)


def form_request_serializer(form_class, *, name: str, exclude=(), doc: str = "") -> type[serializers.Serializer]:
    """A serializer class whose fields mirror `form_class.base_fields` (for the schema only)."""
    fields = {
        field_name: _serializer_field(form_field)
        for field_name, form_field in form_class.base_fields.items()
        if field_name not in exclude
    }
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc or form_class.__doc__ or ""})


RegistrationCreateSerializer = form_request_serializer(
    DossierForm,
    name="RegistrationCreateSerializer",
    doc="Hồ sơ đăng ký mô hình, điển hình. Gửi JSON, hoặc multipart/form-data khi kèm tệp `attachments`.",
)

# Fields a form adds in __init__ rather than declaring on the class.
_STAGE_EXCLUDES = {"revise": ("campaign", "unit", "confirm_duplicate")}
_STAGE_DOCS = {
    "check_dossier": "check_dossier — Kiểm tra hồ sơ: chấp nhận (`accept`) hoặc trả lại (`return`, bắt buộc `reason`).",
    "revise": "revise — Bổ sung hồ sơ: gửi lại toàn bộ hồ sơ đã sửa (như khi đăng ký, không có `campaign`).",
    "survey": "survey — Khảo sát thực tế: ngày khảo sát, kết quả, kiến nghị, tệp đính kèm.",
    "evaluate": (
        "evaluate — Chấm điểm: ngoài `comment`, mỗi tiêu chí của bộ tiêu chí áp dụng cho mô hình là một "
        "trường số nguyên `criterion_<mã tiêu chí>` từ 0 đến điểm tối đa của tiêu chí (mặc định 20)."
    ),
    "recognise": "recognise — Ký quyết định công nhận: số quyết định, ngày ký, trích yếu.",
    "replicate": (
        "replicate — Theo dõi nhân rộng: các đơn vị áp dụng (id) với ngày bắt đầu và trạng thái, "
        "và/hoặc `close_tracking` để kết thúc quy trình."
    ),
    "adoption_report": (
        "adoption_report — Báo cáo kết quả nhân rộng (đơn vị áp dụng): trạng thái hiện tại "
        "(không lùi lại) và báo cáo ngắn `adoption_report`; khi `effective` việc theo dõi kết thúc."
    ),
    "rereview": (
        "rereview — Rà soát hằng năm: `rereview_outcome` còn hiệu quả (`effective`) hoặc không còn hiệu quả "
        "(`not_effective`, bắt buộc `reason`), tệp minh chứng `attachments`."
    ),
    "approve": (
        "approve — Bước phê duyệt bổ sung của quy trình áp dụng (tên bước ở `title` của nhiệm vụ): "
        "đồng ý (`approve`), trả lại đơn vị (`return`) hoặc không đồng ý, kết thúc hồ sơ (`reject`); "
        "`reason` bắt buộc khi trả lại hoặc không đồng ý."
    ),
}


def _stage_serializer(node_name: str) -> type[serializers.Serializer]:
    camel = "".join(part.title() for part in node_name.split("_"))
    return form_request_serializer(
        STAGES[node_name].form_class,
        name=f"{camel}CompleteSerializer",
        exclude=_STAGE_EXCLUDES.get(node_name, ()),
        doc=_STAGE_DOCS[node_name],
    )


STAGE_REQUEST_SERIALIZERS = {node_name: _stage_serializer(node_name) for node_name in STAGES}

TaskCompleteRequest = PolymorphicProxySerializer(
    component_name="TaskComplete",
    serializers=list(STAGE_REQUEST_SERIALIZERS.values()),
    resource_type_field_name=None,
)

TASK_COMPLETE_EXAMPLES = [
    OpenApiExample(
        "check_dossier_accept",
        summary="check_dossier: chấp nhận hồ sơ",
        value={"decision": "accept"},
        request_only=True,
    ),
    OpenApiExample(
        "check_dossier_return",
        summary="check_dossier: trả lại hồ sơ",
        value={"decision": "return", "reason": "Bổ sung biên bản họp dân và số liệu hộ tham gia."},
        request_only=True,
    ),
    OpenApiExample(
        "revise",
        summary="revise: bổ sung hồ sơ",
        value={
            "name": "Hũ gạo tình thương",
            "field": 2,
            "kind": "model",
            "collective_kind": "collective",
            "contact_name": "Nguyễn Thị Lan",
            "contact_phone": "0292 3821 000",
            "situation": "Nhiều hộ khó khăn.",
            "objectives": "Hỗ trợ 50 hộ, có sổ theo dõi từng hộ.",
            "content_and_method": "Mỗi hội viên góp một nắm gạo mỗi tuần.",
            "scope": "Phường Ninh Kiều.",
            "forces": "Hội LHPN chủ trì; MTTQ phối hợp.",
            "starts_on": "2026-01-15",
            "outputs": "Sổ theo dõi, biên bản họp dân, ảnh.",
            "sustainability": "Duy trì bằng đóng góp tự nguyện.",
        },
        request_only=True,
    ),
    OpenApiExample(
        "survey",
        summary="survey: báo cáo khảo sát",
        value={"visited_on": "2026-03-10", "findings": "Mô hình hoạt động đều.", "recommendation": "recommend"},
        request_only=True,
    ),
    OpenApiExample(
        "evaluate",
        summary="evaluate: phiếu chấm điểm",
        value={**{f"criterion_{code}": 16 for code in _EXAMPLE_CRITERIA}, "comment": "Đạt yêu cầu."},
        request_only=True,
    ),
    OpenApiExample(
        "recognise",
        summary="recognise: ký quyết định cho riêng mô hình này (số cấp khi ban hành)",
        value={"signed_on": "2026-04-02", "summary": "Công nhận mô hình"},
        request_only=True,
    ),
    OpenApiExample(
        "replicate_and_close",
        summary="replicate: ghi nhận nhân rộng và kết thúc",
        value={"adopting_units": [7, 9], "started_on": "2026-05-04", "status": "implementing", "close_tracking": True},
        request_only=True,
    ),
    OpenApiExample(
        "approve_return",
        summary="approve: trả lại hồ sơ tại bước phê duyệt",
        value={"outcome": "return", "reason": "Bổ sung ý kiến của Ủy ban Mặt trận cấp xã."},
        request_only=True,
    ),
    OpenApiExample(
        "adoption_report",
        summary="adoption_report: đơn vị áp dụng báo cáo đang triển khai",
        value={"status": "implementing", "adoption_report": "Đã họp dân ở 2 ấp, 45 hộ tham gia."},
        request_only=True,
    ),
    OpenApiExample(
        "rereview_dropped",
        summary="rereview: rà soát hằng năm, không còn hiệu quả",
        value={"rereview_outcome": "not_effective", "reason": "Đơn vị không còn duy trì hoạt động."},
        request_only=True,
    ),
]

TASK_COMPLETE_DESCRIPTION = _(
    "Hoàn thành nhiệm vụ đã nhận. Dữ liệu được kiểm tra bằng đúng biểu mẫu của trang web cho bước đó "
    "(xem các ví dụ theo từng bước). Gửi JSON, hoặc multipart/form-data khi kèm tệp `attachments`. "
    "409 khi nhiệm vụ đã được xử lý (gửi hai lần)."
)
