"""API for registration in bulk, campaign quotas and nomination upward (mounted at /api/v1/).

Same services as the pages: `registrations_import`, `quota_shortfalls`, `nomination_submit`.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from recognition.models import Campaign, CampaignQuota
from recognition.selectors import campaigns_open_for, models_visible_to, units_visible_to
from recognition.services.registration import may_register, quota_shortfalls
from workflows.ids import id_is_storable
from workflows.registration_import import ImportProblems, import_template, registrations_import
from workflows.services import nomination_submit
from workflows.views.registration import XLSX, campaigns_for_quotas

from .serializers import ErrorSerializer, InvalidInputSerializer, RegistrationDetailSerializer, UnitSummarySerializer

INVALID = OpenApiResponse(InvalidInputSerializer, description=_("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Không có quyền."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Không tìm thấy trong phạm vi đơn vị của bạn."))


class _ApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]


class MayRegister(permissions.BasePermission):
    message = _("Bạn không có quyền đăng ký mô hình cho đơn vị.")

    def has_permission(self, request, view):
        return may_register(request.user)


class BulkRequestSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text=_("Mã đợt đăng ký đang mở."))
    workbook = serializers.FileField(help_text=_("Tệp Excel (.xlsx) theo mẫu tải từ registrations/bulk/template/."))


class BulkResultSerializer(serializers.Serializer):
    registered = serializers.ListField(child=serializers.IntegerField(), help_text=_("Mã các mô hình đã đăng ký."))


class BulkRegistrationApiView(_ApiView):
    permission_classes = [permissions.IsAuthenticated, MayRegister]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary=_("Đăng ký nhiều mô hình từ tệp Excel (tất cả hoặc không)"),
        description=_(
            "Mỗi dòng một mô hình. Có lỗi ở bất kỳ dòng nào thì không mô hình nào được đăng ký; "
            "`errors.non_field_errors` liệt kê từng lỗi kèm số dòng và tên cột."
        ),
        request={"multipart/form-data": BulkRequestSerializer},
        responses={201: BulkResultSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        campaign_id = str(request.data.get("campaign", ""))
        campaign = (
            campaigns_open_for(user=request.user, day=timezone.localdate()).filter(pk=campaign_id).first()
            if campaign_id.isdigit() and id_is_storable(campaign_id)
            else None
        )
        if campaign is None:
            raise ValidationError({"campaign": [_("Hãy chọn một đợt đăng ký đang mở cho đơn vị của bạn.")]})
        workbook = request.FILES.get("workbook")
        if workbook is None:
            raise ValidationError({"workbook": [_("Hãy gửi tệp Excel (.xlsx).")]})
        try:
            registered = registrations_import(submitted_by=request.user, campaign=campaign, workbook_file=workbook)
        except ImportProblems as refused:
            raise ValidationError(refused.problems) from None
        return Response({"registered": [model.pk for model in registered]}, status=status.HTTP_201_CREATED)


class BulkTemplateApiView(_ApiView):
    permission_classes = [permissions.IsAuthenticated, MayRegister]

    @extend_schema(
        summary=_("Tệp Excel mẫu để đăng ký nhiều mô hình"),
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: FORBIDDEN},
    )
    def get(self, request):
        response = HttpResponse(import_template(user=request.user), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-dang-ky-mo-hinh.xlsx"'
        return response


class QuotaSerializer(serializers.ModelSerializer):
    unit_kind_label = serializers.CharField(source="get_unit_kind_display", read_only=True)

    class Meta:
        model = CampaignQuota
        fields = ["unit_kind", "unit_kind_label", "minimum", "maximum"]


class ShortfallSerializer(serializers.Serializer):
    unit = UnitSummarySerializer()
    unit_kind = serializers.CharField(source="unit.kind")
    registered = serializers.IntegerField()
    minimum = serializers.IntegerField(source="quota.minimum")
    missing = serializers.IntegerField()


class CampaignQuotasSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    quotas = QuotaSerializer(many=True)
    shortfalls = ShortfallSerializer(many=True, help_text=_("Đơn vị chưa đạt số tối thiểu (trong phạm vi của bạn)."))


class CampaignQuotasApiView(_ApiView):
    @extend_schema(
        summary=_("Chỉ tiêu đăng ký của một đợt và các đơn vị chưa đạt tối thiểu"),
        responses={200: CampaignQuotasSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        campaign = campaigns_for_quotas(user=request.user).filter(pk=pk).first() if id_is_storable(pk) else None
        if campaign is None:
            raise NotFound()
        shortfalls = quota_shortfalls(campaign=campaign)
        if not request.user.is_superuser:
            visible = set(units_visible_to(user=request.user).values_list("pk", flat=True))
            shortfalls = [item for item in shortfalls if item["unit"].pk in visible]
        data = {"campaign": campaign, "quotas": list(campaign.quotas.all()), "shortfalls": shortfalls}
        return Response(CampaignQuotasSerializer(data).data)


class NominationRequestSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text=_("Mã đợt của cấp trên đang mở đăng ký."))


class NominationApiView(_ApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary=_("Đề nghị mô hình đã được công nhận lên đợt của cấp trên"),
        request=NominationRequestSerializer,
        responses={201: RegistrationDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        movement_model = models_visible_to(user=request.user).filter(pk=pk).first() if id_is_storable(pk) else None
        if movement_model is None:
            raise NotFound()
        campaign_id = str(request.data.get("campaign", "")) if hasattr(request.data, "get") else ""
        campaign = (
            Campaign.objects.filter(pk=campaign_id).first()
            if campaign_id.isdigit() and id_is_storable(campaign_id)
            else None
        )
        if campaign is None:
            raise ValidationError({"campaign": [_("Hãy chọn đợt của cấp trên.")]})
        nominated = nomination_submit(movement_model=movement_model, campaign=campaign, nominated_by=request.user)
        created = (
            models_visible_to(user=request.user)
            .select_related("process", "registered_by_unit", "submitted_by")
            .prefetch_related("attachments")
            .get(pk=nominated.pk)
        )
        return Response(RegistrationDetailSerializer(created).data, status=status.HTTP_201_CREATED)


urlpatterns: list = [
    path("registrations/bulk/", BulkRegistrationApiView.as_view(), name="api-registration-bulk"),
    path("registrations/bulk/template/", BulkTemplateApiView.as_view(), name="api-registration-bulk-template"),
    path("registrations/<int:pk>/nominate/", NominationApiView.as_view(), name="api-registration-nominate"),
    path("campaigns/<int:pk>/quotas/", CampaignQuotasApiView.as_view(), name="api-campaign-quotas"),
]
