"""REST API v1 of the designer (mounted at /api/v1/procedures/): the designer page's operations.

Same rules as the pages: only holders of `procedures.design_procedure` (403 otherwise);
definitions above the user's unit are read-only, those outside its branch 403; an
unknown id 404. Every write calls the same service as the page.
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import (
    NOT_DESIGNER,
    can_design,
    definition_changeable,
    definitions_visible_to,
    version_changeable,
    version_readable,
)
from .exchange import ExportRefused, ImportRefused, draft_import, version_bpmn, version_json, version_svg
from .review import open_draft, version_diff, version_problems
from .serializers import (
    DefinitionSerializer,
    DesignerErrorSerializer,
    DesignerInvalidInputSerializer,
    DiffSerializer,
    PublishRequestSerializer,
    ValidationResultSerializer,
    VersionSerializer,
)
from .services import definition_create, draft_create, draft_update, version_publish

INVALID = OpenApiResponse(DesignerInvalidInputSerializer, description=gettext_lazy("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(
    DesignerErrorSerializer, description=gettext_lazy("Không có quyền, hoặc ngoài phạm vi đơn vị.")
)
NOT_FOUND = OpenApiResponse(DesignerErrorSerializer, description=gettext_lazy("Không tìm thấy."))


class CanDesign(permissions.BasePermission):
    message = NOT_DESIGNER

    def has_permission(self, request, view):
        return can_design(request.user)


class DefinitionPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _DesignerApi:
    # Token first: a request without credentials gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, CanDesign]
    parser_classes = [JSONParser]


def _problems_data(problems) -> list[dict]:
    return [{"where": problem.where, "message": problem.message} for problem in problems]


class DefinitionListView(_DesignerApi, generics.ListAPIView):
    """Definitions in the user's scope (the national one, those above, the user's own and below) with versions."""

    serializer_class = DefinitionSerializer
    pagination_class = DefinitionPagination
    filter_backends = []

    def get_queryset(self):
        return definitions_visible_to(user=self.request.user).prefetch_related("versions").order_by("pk")

    @extend_schema(summary=gettext_lazy("Danh sách quy trình và các phiên bản trong phạm vi đơn vị"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OwnDefinitionCreateView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Tạo quy trình riêng cho đơn vị (bản nháp đầu tiên sao từ phiên bản đang áp dụng)"),
        request=None,
        responses={201: VersionSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        if request.user.unit_id is None:
            raise exceptions.PermissionDenied(_("Tài khoản chưa thuộc đơn vị nào."))
        version = definition_create(unit=request.user.unit, author=request.user)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class DraftCreateView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Tạo bản nháp từ phiên bản đang áp dụng"),
        request=None,
        responses={201: VersionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        definition = definition_changeable(request.user, pk)
        existing = open_draft(definition)
        if existing is not None:
            raise exceptions.ValidationError(
                _("Quy trình này đang có bản nháp (phiên bản %(number)s): sửa bản nháp đó.")
                % {"number": existing.number}
            )
        version = draft_create(definition=definition, author=request.user)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Một phiên bản, kèm nội dung (JSON)"),
        responses={200: VersionSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        return Response(VersionSerializer(version_readable(request.user, pk)).data)


class VersionSpecView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Thay nội dung của bản nháp"),
        description=gettext_lazy(
            "Gửi toàn bộ nội dung (JSON, như trường spec khi đọc phiên bản). Nội dung sai cấu trúc: 400, "
            "errors.spec liệt kê từng lỗi. Vấn đề về nội dung không chặn việc lưu: xem /validate/."
        ),
        request={"application/json": {"type": "object"}},
        responses={200: VersionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def put(self, request, pk):
        version = version_changeable(request.user, pk)
        version = draft_update(version=version, spec_data=request.data, author=request.user)
        return Response(VersionSerializer(version).data)


class VersionValidateView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Kiểm tra nội dung của phiên bản"),
        request=None,
        responses={200: ValidationResultSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        problems = version_problems(version_readable(request.user, pk))
        return Response({"valid": not problems, "problems": _problems_data(problems)})


class VersionPublishView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Ban hành bản nháp (bắt buộc lý do)"),
        description=gettext_lazy(
            "400 khi thiếu lý do (errors.reason) hoặc khi nội dung còn vấn đề: errors theo vị trí "
            "của từng vấn đề (ví dụ errors[“evaluation.pass_threshold”])."
        ),
        request=PublishRequestSerializer,
        responses={200: VersionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        version = version_changeable(request.user, pk)
        body = PublishRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = version_publish(version=version, actor=request.user, reason=body.validated_data.get("reason", ""))
        except DjangoValidationError as error:
            if hasattr(error, "error_dict") and "spec" in error.error_dict:
                errors: dict[str, list[str]] = {}
                for problem in version_problems(version):
                    errors.setdefault(problem.where, []).append(problem.message)
                raise exceptions.ValidationError(errors or error.message_dict) from error
            raise
        return Response(VersionSerializer(version).data)


class VersionDiffView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("So sánh với phiên bản đang áp dụng"),
        responses={200: DiffSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        base, rows = version_diff(version_readable(request.user, pk))
        changes = [
            {"path": path, "label": label, "before": before, "after": after} for path, label, before, after in rows
        ]
        return Response(DiffSerializer({"base": base, "changes": changes}).data)


EXPORTS = {
    # kind: (writer, content type, file extension)
    "json": (version_json, "application/json; charset=utf-8", "json"),
    "bpmn": (version_bpmn, "application/xml; charset=utf-8", "bpmn"),
    "svg": (version_svg, "image/svg+xml; charset=utf-8", "svg"),
}


class VersionExportView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Xuất phiên bản: JSON (nhập được vào hệ thống khác), BPMN 2.0 hoặc SVG"),
        responses={
            (200, "application/json"): {"type": "object"},
            (200, "application/xml"): {"type": "string"},
            (200, "image/svg+xml"): {"type": "string"},
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, pk, kind):
        if kind not in EXPORTS:
            raise Http404
        version = version_readable(request.user, pk)
        writer, content_type, extension = EXPORTS[kind]
        try:
            content = writer(version)
        except ExportRefused as error:
            raise exceptions.ValidationError(str(error)) from error
        response = HttpResponse(content, content_type=content_type)
        filename = f"quy-trinh-{version.definition_id}-phien-ban-{version.number}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class DraftImportView(_DesignerApi, APIView):
    @extend_schema(
        summary=gettext_lazy("Nhập tệp JSON đã xuất thành bản nháp mới của quy trình"),
        description=gettext_lazy(
            "Gửi nguyên tài liệu JSON đã xuất. Tài liệu sai định dạng, phiên bản lược đồ lạ, hoặc nêu vai trò, "
            "cấp, tiêu chí, trường hồ sơ không có ở đây: 400, errors.document liệt kê từng lỗi, không tạo gì."
        ),
        request={"application/json": {"type": "object"}},
        responses={201: VersionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        definition = definition_changeable(request.user, pk)
        try:
            version = draft_import(text=json.dumps(request.data), definition=definition, author=request.user)
        except ImportRefused as error:
            raise exceptions.ValidationError({"document": error.problems}) from error
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("definitions/", DefinitionListView.as_view(), name="api-procedure-definitions"),
    path("definitions/own/", OwnDefinitionCreateView.as_view(), name="api-procedure-own-definition"),
    path("definitions/<int:pk>/drafts/", DraftCreateView.as_view(), name="api-procedure-draft-create"),
    path("versions/<int:pk>/", VersionView.as_view(), name="api-procedure-version"),
    path("versions/<int:pk>/spec/", VersionSpecView.as_view(), name="api-procedure-version-spec"),
    path("versions/<int:pk>/validate/", VersionValidateView.as_view(), name="api-procedure-version-validate"),
    path("versions/<int:pk>/publish/", VersionPublishView.as_view(), name="api-procedure-version-publish"),
    path("versions/<int:pk>/diff/", VersionDiffView.as_view(), name="api-procedure-version-diff"),
    path("versions/<int:pk>/export/<str:kind>/", VersionExportView.as_view(), name="api-procedure-version-export"),
    path("definitions/<int:pk>/import/", DraftImportView.as_view(), name="api-procedure-draft-import"),
]
