"""The registered model (mô hình / điển hình) with its dossier, and its attachments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .reference import Field
from .units import Unit


class ModelKind(models.TextChoices):
    MODEL = "model", _("Mô hình")
    EXEMPLAR = "exemplar", _("Điển hình")


class CollectiveKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class ModelStage(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký, chờ kiểm tra hồ sơ")
    RETURNED = "returned", _("Trả lại để bổ sung hồ sơ")
    SURVEY = "survey", _("Khảo sát thực tế")
    EVALUATION = "evaluation", _("Hội đồng đánh giá")
    RECOGNITION = "recognition", _("Chờ quyết định công nhận")
    REPLICATION = "replication", _("Nhân rộng")
    CLOSED = "closed", _("Hoàn thành")
    REJECTED = "rejected", _("Không công nhận")
    REVOKED = "revoked", _("Đã thu hồi công nhận")


class MovementModel(models.Model):
    """A model or exemplar registered by a unit in a campaign.

    The stage changes only through `recognition.services`, which write the audit
    record in the same transaction.
    """

    # Identity and classification
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="models", verbose_name=_("đợt đăng ký")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="models", verbose_name=_("đơn vị đăng ký"))
    field = models.ForeignKey(Field, on_delete=models.PROTECT, verbose_name=_("lĩnh vực"))
    kind = models.CharField(_("loại"), max_length=20, choices=ModelKind.choices)
    collective_kind = models.CharField(_("tập thể / cá nhân"), max_length=20, choices=CollectiveKind.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submitted_models",
        verbose_name=_("người đăng ký"),
    )
    contact_name = models.CharField(_("người liên hệ"), max_length=255)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=30)

    # The ten sections of the registration dossier
    name = models.CharField(_("1. Tên mô hình, điển hình"), max_length=500)
    situation = models.TextField(_("2. Sự cần thiết, lý do xây dựng"))
    objectives = models.TextField(_("3. Mục tiêu và tiêu chí đo lường"))
    content_and_method = models.TextField(_("4. Nội dung, cách thức thực hiện"))
    scope = models.TextField(_("5. Phạm vi, đối tượng"))
    forces = models.TextField(_("6. Lực lượng chủ trì, phối hợp và vai trò"))
    budget_vnd = models.PositiveBigIntegerField(_("7a. Kinh phí (đồng)"), null=True, blank=True)
    work_days = models.PositiveIntegerField(_("7b. Ngày công"), null=True, blank=True)
    private_contribution_vnd = models.PositiveBigIntegerField(_("7c. Xã hội hóa (đồng)"), null=True, blank=True)
    starts_on = models.DateField(_("8a. Ngày bắt đầu"))
    milestones = models.TextField(_("8b. Các mốc thực hiện"), blank=True)
    self_evaluation_on = models.DateField(_("8c. Ngày tự đánh giá"), null=True, blank=True)
    outputs = models.TextField(_("9. Sản phẩm, kết quả kiểm chứng được"))
    sustainability = models.TextField(_("10. Tính bền vững, khả năng nhân rộng"))

    # Lifecycle
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=ModelStage.choices, default=ModelStage.REGISTERED)
    final_score = models.DecimalField(_("điểm tổng hợp"), max_digits=6, decimal_places=2, null=True, blank=True)
    outcome_reason = models.TextField(_("lý do kết quả"), blank=True)
    # The council's current round: 1, and one more each time a tally closes a round (a case
    # returned to the unit after the council's evaluation is evaluated again from scratch).
    evaluation_round = models.PositiveSmallIntegerField(_("vòng chấm điểm"), default=1)
    # The replication step's explicit outcome (set by `model_close`): the flow ends when it is set.
    tracking_closed_at = models.DateTimeField(
        _("kết thúc theo dõi nhân rộng lúc"), null=True, blank=True, editable=False
    )
    # Set by the annual re-review that found the model no longer effective (`rereview_complete`);
    # the stage stays as it was, and the ReReview rows keep the history.
    no_longer_effective_since = models.DateField(_("không còn hiệu quả từ ngày"), null=True, blank=True, editable=False)
    # --- Issue 11 (registration): on a unit's behalf, and nomination upward ---
    # A unit without an account (most residential areas) is registered by its standing body
    # or its Front: `unit` stays the registering unit, `submitted_by` the person, and
    # `registered_by_unit` the body that acted, which also answers a returned dossier.
    registered_on_behalf = models.BooleanField(_("đăng ký thay đơn vị"), default=False)
    registered_by_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="models_registered_on_behalf",
        verbose_name=_("đơn vị đăng ký thay"),
    )
    # The lower level's recognised model this one was nominated from (same unit, dossier copied).
    nominated_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("được đề nghị từ mô hình"),
    )
    # --- end issue 11 (registration) ---
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mô hình, điển hình")
        verbose_name_plural = _("mô hình, điển hình")
        indexes = [
            models.Index(fields=["campaign", "stage"]),
            models.Index(fields=["unit", "stage"]),
        ]
        permissions = [
            ("register_model", _("Đăng ký mô hình, điển hình")),
            ("check_dossier", _("Kiểm tra hồ sơ đăng ký")),
            ("conduct_survey", _("Khảo sát thực tế")),
            ("evaluate_model", _("Chấm điểm, đánh giá")),
            ("sign_decision", _("Ký quyết định công nhận")),
            ("track_replication", _("Theo dõi nhân rộng")),
            ("view_audit_trail", _("Xem nhật ký kiểm tra")),
        ]

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """A file attached to a dossier or a review step, stored with its SHA-256."""

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="attachments")
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=ModelStage.choices)
    file = models.FileField(_("tệp"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name
