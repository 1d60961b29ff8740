"""API for awards (mounted at /api/v1/ by workflows.api.urls): the same forms and services as the pages.

GET/POST awards/ (list, propose), GET awards/<id>/ (one proposal with its items and
awards), POST awards/<id>/record/ (the authority's decision). A proposal outside the
user's unit subtree answers 404.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count
from django.urls import path
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from recognition.models import AwardProposal, AwardProposalItem
from recognition.services.awards import PROPOSE_PERMISSION, award_proposals_visible_to, award_propose, award_record
from workflows.award_forms import AwardRecordForm, ProposalForm

from .serializers import ErrorSerializer, InvalidInputSerializer, UnitSummarySerializer
from .views import ApiViewSet, _form_data, _form_errors

INVALID = OpenApiResponse(InvalidInputSerializer, description=_("Dữ liệu không hợp lệ."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Không có quyền."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Không tìm thấy trong phạm vi đơn vị của bạn."))
KIND_HELP = _("certificate_of_merit (Giấy khen) hoặc diploma_of_merit (Bằng khen).")
LATEST_PROPOSED_FIRST = {"-proposed_on": ("-proposed_on", "-pk"), "proposed_on": ("proposed_on", "pk")}


class AwardSerializer(serializers.Serializer):
    number = serializers.CharField()
    decided_on = serializers.DateField()
    authority = serializers.CharField()
    kind = serializers.CharField(help_text=KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display")


class AwardItemSerializer(serializers.ModelSerializer):
    movement_model = serializers.IntegerField(source="movement_model_id")
    name = serializers.CharField(source="movement_model.name")
    classification = serializers.CharField()
    unit = serializers.CharField(source="movement_model.unit.name")
    classification_label = serializers.CharField(source="get_classification_display")
    award = serializers.SerializerMethodField()

    class Meta:
        model = AwardProposalItem
        fields = ["movement_model", "name", "unit", "classification", "classification_label", "award"]

    @extend_schema_field(AwardSerializer(allow_null=True))
    def get_award(self, item):
        try:
            award = item.award
        except ObjectDoesNotExist:
            return None
        return AwardSerializer(award).data


class AwardProposalSerializer(serializers.ModelSerializer):
    proposing_unit = UnitSummarySerializer()
    # Plain strings: the codes are documented in the labels beside them (no enum named like others').
    award_kind = serializers.CharField(help_text=KIND_HELP)
    status = serializers.CharField(help_text=_("proposed (chờ quyết định) hoặc decided (đã có quyết định)."))
    award_kind_label = serializers.CharField(source="get_award_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = AwardProposal
        fields = [
            "id",
            "number",
            "proposed_on",
            "campaign",
            "proposing_unit",
            "award_kind",
            "award_kind_label",
            "authority",
            "status",
            "status_label",
            "pdf_sha256",
            "item_count",
        ]


class AwardProposalDetailSerializer(AwardProposalSerializer):
    items = AwardItemSerializer(many=True)

    class Meta(AwardProposalSerializer.Meta):
        fields = [*AwardProposalSerializer.Meta.fields, "items"]


class ProposalRequestSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text=_("Mã đợt đăng ký do đơn vị của bạn tổ chức."))
    award_kind = serializers.CharField(help_text=KIND_HELP)
    authority = serializers.CharField(help_text=_("Cấp có thẩm quyền khen thưởng."))
    movement_models = serializers.ListField(child=serializers.IntegerField(), required=False)
    select_all = serializers.BooleanField(required=False, help_text=_("true: mọi mô hình tiêu biểu theo bộ lọc."))
    field = serializers.IntegerField(required=False, help_text=_("Bộ lọc lĩnh vực (khi select_all)."))
    q = serializers.CharField(required=False, help_text=_("Bộ lọc tên (khi select_all)."))


class RecordRequestSerializer(serializers.Serializer):
    number = serializers.CharField()
    decided_on = serializers.DateField()
    authority = serializers.CharField()
    kind = serializers.CharField(help_text=KIND_HELP)
    movement_models = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=_("Để trống: mọi mô hình trong tờ trình.")
    )


def _as_form_data(data) -> dict:
    """JSON lists become what a browser posts: the form reads `getlist` for multiple values."""
    if hasattr(data, "getlist"):  # form-encoded: already what the form reads
        return data
    values = MultiValueDict()
    for key, value in data.items():
        if isinstance(value, list):
            values.setlist(key, [str(item) for item in value])
        elif isinstance(value, bool):
            if value:
                values[key] = "on"
        else:
            values[key] = value
    return values


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách tờ trình đề nghị khen thưởng"), responses={200: AwardProposalSerializer}),
    retrieve=extend_schema(
        summary=_("Một tờ trình với các mô hình và quyết định khen thưởng"),
        responses={200: AwardProposalDetailSerializer, 404: NOT_FOUND},
    ),
)
class AwardProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    orderings = LATEST_PROPOSED_FIRST
    parser_classes = [JSONParser, FormParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AwardProposal.objects.none()
        queryset = (
            award_proposals_visible_to(user=self.request.user)
            .annotate(item_count=Count("items"))
            .order_by("-proposed_on", "-pk")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("items__movement_model__unit", "items__award")
        return queryset

    def get_serializer_class(self):
        return AwardProposalDetailSerializer if self.action == "retrieve" else AwardProposalSerializer

    def _refuse_without_permission(self, request):
        if not request.user.has_perm(PROPOSE_PERMISSION):
            raise PermissionDenied(_("Chỉ cơ quan thường trực được đề nghị khen thưởng."))

    @extend_schema(
        summary=_("Lập tờ trình đề nghị khen thưởng mô hình, điển hình tiêu biểu"),
        request=ProposalRequestSerializer,
        responses={201: AwardProposalDetailSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def create(self, request):
        self._refuse_without_permission(request)
        form = ProposalForm(data=_as_form_data(_form_data(request)), user=request.user)
        if not form.is_valid():
            raise _form_errors(form)
        proposal = award_propose(
            proposed_by=request.user,
            campaign=form.cleaned_data["campaign"],
            award_kind=form.cleaned_data["award_kind"],
            authority=form.cleaned_data["authority"],
            movement_models=form.chosen_models(),
        )
        created = self.get_queryset().prefetch_related("items__movement_model__unit").get(pk=proposal.pk)
        return Response(AwardProposalDetailSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Ghi nhận quyết định khen thưởng của cấp có thẩm quyền"),
        request=RecordRequestSerializer,
        responses={200: AwardProposalDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def record(self, request, pk=None):
        proposal = self.get_object()
        self._refuse_without_permission(request)
        form = AwardRecordForm(data=_as_form_data(_form_data(request)))
        if not form.is_valid():
            raise _form_errors(form)
        award_record(
            recorded_by=request.user,
            proposal=proposal,
            number=form.cleaned_data["number"],
            decided_on=form.cleaned_data["decided_on"],
            authority=form.cleaned_data["authority"],
            kind=form.cleaned_data["kind"],
            movement_models=form.chosen_models(),
        )
        refreshed = self.get_queryset().prefetch_related("items__movement_model__unit", "items__award").get(pk=pk)
        return Response(AwardProposalDetailSerializer(refreshed).data)


urlpatterns = [
    path("awards/", AwardProposalViewSet.as_view({"get": "list", "post": "create"}), name="api-award-proposals"),
    path("awards/<int:pk>/", AwardProposalViewSet.as_view({"get": "retrieve"}), name="api-award-proposal"),
    path(
        "awards/<int:pk>/record/",
        AwardProposalViewSet.as_view({"post": "record"}, detail=True),
        name="api-award-proposal-record",
    ),
]
