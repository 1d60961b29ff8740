"""REST API v1. Views authenticate, validate with the web pages' forms and call one service.

Scope: a model, process or task outside the user's unit subtree answers 404 (its
existence is not disclosed); one that is visible but not the user's to act on, 403.
"""

from collections.abc import Mapping

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from recognition.forms import DossierForm
from recognition.models import MovementModel
from recognition.selectors import models_visible_to
from recognition.services.registration import DuplicateNameWarning, may_register
from workflows.ids import id_is_storable
from workflows.models import RecognitionProcess, RecognitionTask
from workflows.selectors import (
    processes_visible_to,
    task_archive_for,
    task_inbox_for,
    task_queue_for,
    tasks_visible_to,
)
from workflows.services import registration_submit, task_claim, task_complete, task_release

from . import schema
from .pagination import KeysetPagination
from .serializers import (
    DuplicateWarningSerializer,
    ErrorSerializer,
    InvalidInputSerializer,
    ProcessSerializer,
    RegistrationDetailSerializer,
    RegistrationSerializer,
    TaskSerializer,
)

INVALID = OpenApiResponse(InvalidInputSerializer, description=_("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Không có quyền."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Không tìm thấy trong phạm vi đơn vị của bạn."))
CONFLICT = OpenApiResponse(ErrorSerializer, description=_("Nhiệm vụ đã được xử lý hoặc đã có người nhận."))
DUPLICATE_OR_INVALID = OpenApiResponse(
    DuplicateWarningSerializer,
    description=_("Dữ liệu không hợp lệ, hoặc tên rất gần với mô hình đã đăng ký (kèm `similar_models`)."),
)
LIST_INVALID = OpenApiResponse(
    InvalidInputSerializer, description=_("Tham số không hợp lệ: cursor, page_size, ordering hoặc bộ lọc.")
)

# The order of each list, {ordering= value: order_by}, the default first: the web lists'
# order (workflows.selectors) with the id as the unique tie-breaker of the keyset.
OLDEST_FIRST = {"created": ("created", "pk"), "-created": ("-created", "-pk")}
LATEST_FINISHED_FIRST = {"-finished": ("-finished", "pk"), "finished": ("finished", "-pk")}
LATEST_REGISTERED_FIRST = {"-created_at": ("-created_at", "-pk"), "created_at": ("created_at", "pk")}


class ApiViewSet(viewsets.GenericViewSet):
    # Token first, so a request without valid credentials gets 401 with
    # `WWW-Authenticate: Token` rather than the 403 the session scheme would give.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    lookup_value_regex = r"\d+"
    pagination_class = KeysetPagination
    orderings: dict[str, tuple[str, ...]] = {}

    def get_object(self):
        if not id_is_storable(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)):
            raise NotFound()
        return super().get_object()


def _form_data(request):
    """The request body as form data; a JSON body must be an object of field values."""
    if not isinstance(request.data, Mapping):
        raise ValidationError(_("Dữ liệu gửi lên phải là một đối tượng JSON gồm các trường của biểu mẫu."))
    return request.data


def _form_errors(form) -> ValidationError:
    return ValidationError(
        {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
    )


def duplicate_warning_response(warning: DuplicateNameWarning) -> Response:
    """400 with the form-style errors and the similar models, to be confirmed with `confirm_duplicate=true`."""
    body = {
        "detail": str(_("Dữ liệu không hợp lệ.")),
        "errors": {"confirm_duplicate": warning.messages},
        "similar_models": [
            {"id": model.pk, "name": model.name, "similarity": score} for model, score in warning.similar
        ],
    }
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class CanRegisterModel(permissions.BasePermission):
    message = _("Bạn không có quyền đăng ký mô hình cho đơn vị.")

    def has_permission(self, request, view):
        # Its own unit (the registering permission) or, for a standing body or Front, a unit without an account.
        return may_register(request.user)


class RegistrationFilter(django_filters.FilterSet):
    class Meta:
        model = MovementModel
        fields = ["stage", "field", "campaign"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách mô hình trong phạm vi đơn vị"),
        responses={200: RegistrationSerializer(many=True), 400: LIST_INVALID},
    ),
    retrieve=extend_schema(
        summary=_("Hồ sơ một mô hình"), responses={200: RegistrationDetailSerializer, 404: NOT_FOUND}
    ),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Models registered by the user's unit and the units below it."""

    filterset_class = RegistrationFilter
    orderings = LATEST_REGISTERED_FIRST
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return MovementModel.objects.none()
        queryset = (
            models_visible_to(user=self.request.user)
            .select_related("process", "registered_by_unit")
            .order_by("-created_at", "-pk")
        )
        if self.action == "retrieve":
            queryset = queryset.select_related("submitted_by").prefetch_related("attachments")
        return queryset

    def get_serializer_class(self):
        return RegistrationSerializer if self.action == "list" else RegistrationDetailSerializer

    def get_permissions(self):
        if self.action == "create":
            return [permissions.IsAuthenticated(), CanRegisterModel()]
        return super().get_permissions()

    @extend_schema(
        summary=_("Đăng ký mô hình và bắt đầu quy trình công nhận"),
        request={
            "application/json": schema.RegistrationCreateSerializer,
            "multipart/form-data": schema.RegistrationCreateSerializer,
        },
        description=_(
            "Để trống `unit` khi đăng ký cho đơn vị của mình; cơ quan thường trực hoặc Mặt trận ghi mã đơn vị "
            "chưa có tài khoản để đăng ký thay. Tên rất gần với mô hình đơn vị đã đăng ký trong đợt: trả 400 với "
            "`similar_models`, gửi lại với `confirm_duplicate=true` nếu không phải mô hình trùng."
        ),
        responses={201: RegistrationDetailSerializer, 400: DUPLICATE_OR_INVALID, 403: FORBIDDEN},
    )
    def create(self, request):
        form = DossierForm(data=_form_data(request), files=request.FILES, user=request.user)
        if not form.is_valid():
            raise _form_errors(form)
        try:
            movement_model = registration_submit(
                submitted_by=request.user,
                campaign=form.cleaned_data["campaign"],
                data=form.dossier_data(),
                files=form.cleaned_data.get("attachments", []),
                **form.registration_options(),
            )
        except DuplicateNameWarning as warning:
            return duplicate_warning_response(warning)
        created = (
            self.get_queryset().select_related("submitted_by").prefetch_related("attachments").get(pk=movement_model.pk)
        )
        return Response(RegistrationDetailSerializer(created).data, status=status.HTTP_201_CREATED)


class TaskViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """Human tasks: the user's inbox and queue, and claiming, releasing and completing one."""

    serializer_class = TaskSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = []
    orderings = OLDEST_FIRST

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RecognitionTask.objects.none()
        return tasks_visible_to(user=self.request.user).filter(flow_task_type="HUMAN")

    def _page(self, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _task_response(self, task_id: int) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=task_id)).data)

    @extend_schema(summary=_("Một nhiệm vụ"), responses={200: TaskSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary=_("Nhiệm vụ của tôi (đã nhận, chưa xử lý)"),
        responses={200: TaskSerializer(many=True), 400: LIST_INVALID},
    )
    @action(detail=False, methods=["get"])
    def inbox(self, request):
        return self._page(task_inbox_for(user=request.user))

    @extend_schema(
        summary=_("Hàng chờ: nhiệm vụ chưa ai nhận của đơn vị mà tôi được phép nhận"),
        responses={200: TaskSerializer(many=True), 400: LIST_INVALID},
    )
    @action(detail=False, methods=["get"])
    def queue(self, request):
        return self._page(task_queue_for(user=request.user))

    @extend_schema(
        summary=_("Việc đã làm: nhiệm vụ tôi đã hoàn thành, mới nhất trước"),
        responses={200: TaskSerializer(many=True), 400: LIST_INVALID},
    )
    @action(detail=False, methods=["get"], orderings=LATEST_FINISHED_FIRST)
    def archive(self, request):
        return self._page(task_archive_for(user=request.user))

    @extend_schema(
        summary=_("Nhận nhiệm vụ"),
        request=None,
        responses={200: TaskSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        task = self.get_object()
        task_claim(task_id=task.pk, user=request.user)
        return self._task_response(task.pk)

    @extend_schema(
        summary=_("Trả nhiệm vụ về hàng chờ"),
        request=None,
        responses={200: TaskSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        task = self.get_object()
        task_release(task_id=task.pk, user=request.user)
        return self._task_response(task.pk)

    @extend_schema(
        summary=_("Hoàn thành nhiệm vụ"),
        description=schema.TASK_COMPLETE_DESCRIPTION,
        request={
            "application/json": schema.TaskCompleteRequest,
            "multipart/form-data": schema.TaskCompleteRequest,
        },
        examples=schema.TASK_COMPLETE_EXAMPLES,
        responses={200: TaskSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        task_complete(task_id=task.pk, user=request.user, data=_form_data(request), files=request.FILES)
        return self._task_response(task.pk)


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("Quy trình công nhận của một mô hình"), responses={200: ProcessSerializer, 404: NOT_FOUND}
    ),
)
class ProcessViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ProcessSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RecognitionProcess.objects.none()
        return processes_visible_to(user=self.request.user)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([permissions.AllowAny])
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ answers a JSON 404, not the web site's HTML page."""
    raise NotFound()
