"""The audit trail: one append-only record per event, written in the transaction of the change."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import MovementModel
from .units import Unit


class AuditAction(models.TextChoices):
    MODEL_REGISTERED = "model_registered", _("Đăng ký mô hình")
    DOSSIER_EDITED = "dossier_edited", _("Sửa hồ sơ")
    TASK_CREATED = "task_created", _("Tạo nhiệm vụ")
    TASK_CLAIMED = "task_claimed", _("Nhận nhiệm vụ")
    TASK_RELEASED = "task_released", _("Trả nhiệm vụ về hàng chờ")
    TASK_REASSIGNED = "task_reassigned", _("Chuyển giao nhiệm vụ")
    TASK_DELEGATED = "task_delegated", _("Ủy quyền nhiệm vụ")
    TASK_STARTED = "task_started", _("Bắt đầu xử lý")
    TASK_COMPLETED = "task_completed", _("Hoàn thành nhiệm vụ")
    TASK_CANCELLED = "task_cancelled", _("Hủy nhiệm vụ")
    TASK_UNDONE = "task_undone", _("Hoàn tác nhiệm vụ")
    DOSSIER_ACCEPTED = "dossier_accepted", _("Hồ sơ hợp lệ")
    DOSSIER_RETURNED = "dossier_returned", _("Trả lại hồ sơ để bổ sung")
    SURVEY_REPORTED = "survey_reported", _("Báo cáo khảo sát")
    EVALUATION_SCORED = "evaluation_scored", _("Chấm điểm")
    EVALUATION_PASSED = "evaluation_passed", _("Đạt ngưỡng công nhận")
    EVALUATION_REJECTED = "evaluation_rejected", _("Không đạt, không công nhận")
    DECISION_ISSUED = "decision_issued", _("Ban hành quyết định")
    DECISION_REVOKED = "decision_revoked", _("Thu hồi quyết định")
    MODEL_RECOGNISED = "model_recognised", _("Công nhận mô hình")
    REPLICATION_RECORDED = "replication_recorded", _("Ghi nhận nhân rộng")
    PROCESS_FINISHED = "process_finished", _("Kết thúc quy trình")
    PROCESS_CANCELLED = "process_cancelled", _("Hủy quy trình")
    REMINDER_SENT = "reminder_sent", _("Gửi nhắc việc")
    ESCALATED = "escalated", _("Chuyển cấp trên xử lý")
    REFERENCE_ADDED = "reference_added", _("Thêm dữ liệu danh mục")
    REFERENCE_CHANGED = "reference_changed", _("Thay đổi dữ liệu danh mục")
    REFERENCE_DELETED = "reference_deleted", _("Xóa dữ liệu danh mục")
    FLOW_CONFIGURATION_CHANGED = "flow_configuration_changed", _("Thay đổi cấu hình quy trình")
    PROCEDURE_DRAFT_SAVED = "procedure_draft_saved", _("Lưu bản nháp quy trình")
    PROCEDURE_PUBLISHED = "procedure_published", _("Ban hành phiên bản quy trình")
    PROCEDURE_RETIRED = "procedure_retired", _("Thay thế phiên bản quy trình")
    PROCESS_MIGRATED = "process_migrated", _("Chuyển hồ sơ sang phiên bản quy trình khác")
    APPROVAL_GIVEN = "approval_given", _("Đồng ý tại bước phê duyệt")
    APPROVAL_RETURNED = "approval_returned", _("Trả lại hồ sơ tại bước phê duyệt")
    APPROVAL_REJECTED = "approval_rejected", _("Không đồng ý tại bước phê duyệt, kết thúc hồ sơ")
    SURVEY_CASE_ENDED = "survey_case_ended", _("Kết thúc hồ sơ do tổ khảo sát không đề nghị công nhận")
    # Issue 11: what the procedure produces.
    COUNCIL_MEMBER_RECUSED = "council_member_recused", _("Thành viên hội đồng không tham gia chấm (cùng đơn vị)")
    COUNCIL_CLOSED = "council_closed", _("Chủ tịch hội đồng kết thúc chấm điểm khi đủ số lượng")
    CASE_ENDED = "case_ended", _("Kết thúc hồ sơ có lý do")
    DECISION_AMENDED = "decision_amended", _("Sửa đổi quyết định")
    DECISION_SCAN_UPLOADED = "decision_scan_uploaded", _("Tải lên bản ký quyết định")
    RECOGNITION_REVOKED = "recognition_revoked", _("Thu hồi công nhận mô hình")
    AWARD_PROPOSED = "award_proposed", _("Đề nghị khen thưởng")
    AWARD_RECORDED = "award_recorded", _("Ghi nhận quyết định khen thưởng")
    ADOPTION_REPORTED = "adoption_reported", _("Báo cáo kết quả nhân rộng")
    MODEL_NOMINATED = "model_nominated", _("Đề nghị lên cấp trên")
    NOMINATION_RECEIVED = "nomination_received", _("Tiếp nhận mô hình do cấp dưới đề nghị")
    REREVIEW_CONFIRMED = "rereview_confirmed", _("Rà soát hằng năm: còn hiệu quả")
    REREVIEW_DROPPED = "rereview_dropped", _("Rà soát hằng năm: không còn hiệu quả")
    AUDIT_SEALED = "audit_sealed", _("Niêm phong nhật ký hằng ngày")
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Cài xác thực hai bước")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Tạo bộ mã khôi phục mới")
    SIGN_IN_UNLOCKED = "sign_in_unlocked", _("Mở khóa đăng nhập")


# A record of these actions is refused without a reason (returns, rejections,
# reassignments, revocations and admin overrides).
REASON_REQUIRED_ACTIONS = frozenset(
    {
        AuditAction.DOSSIER_RETURNED,
        AuditAction.EVALUATION_REJECTED,
        AuditAction.TASK_REASSIGNED,
        AuditAction.DECISION_REVOKED,
        AuditAction.REFERENCE_CHANGED,
        AuditAction.REFERENCE_DELETED,
        AuditAction.FLOW_CONFIGURATION_CHANGED,
        AuditAction.PROCEDURE_PUBLISHED,
        AuditAction.PROCESS_MIGRATED,
        AuditAction.APPROVAL_RETURNED,
        AuditAction.APPROVAL_REJECTED,
        AuditAction.SURVEY_CASE_ENDED,
        AuditAction.CASE_ENDED,
        AuditAction.DECISION_AMENDED,
        AuditAction.RECOGNITION_REVOKED,
        AuditAction.REREVIEW_DROPPED,
    }
)

GLOBAL_CHAIN = "global"


class AuditEvent(models.Model):
    """Who did what, when, on whose behalf, why and on what evidence.

    Written only by `recognition.services.audit.audit_record`, inside the caller's
    transaction: if this insert fails, the change it describes is rolled back.

    Tamper evidence: the records of one model form a hash chain (`chain_key` is
    "model:<id>", or "global" for records about no model). Each record carries its
    position (`sequence`, from 1), the hash of the record before it and its own
    hash, computed by `recognition.audit.chain.record_hash`. Every record also becomes
    one leaf of the log's Merkle tree (`AuditLeaf`), whose signed checkpoints are kept
    outside the database. On PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE on
    this table; `manage.py audit_verify` checks the chains and the tree.
    """

    occurred_at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("tác nhân"), max_length=255, help_text=_("Tên người dùng, hoặc system:<quy tắc>."))
    # Every index costs each audit insert: foreign keys covered by a composite index
    # below, or never searched (on_behalf_of), have none of their own.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thay mặt cho"),
        db_index=False,
    )
    actor_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
        db_index=False,
    )
    actor_roles = models.CharField(_("vai trò"), max_length=255, blank=True)
    movement_model = models.ForeignKey(
        MovementModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("mô hình"),
        db_index=False,
    )
    process_id = models.BigIntegerField(_("quy trình"), null=True, blank=True)
    task_id = models.BigIntegerField(_("nhiệm vụ"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=40, choices=AuditAction.choices)
    reason = models.TextField(_("lý do"), blank=True)
    payload = models.JSONField(_("dữ liệu"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    client_ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=500, blank=True)

    chain_key = models.CharField(_("chuỗi"), max_length=40, default="")
    sequence = models.PositiveBigIntegerField(_("số thứ tự trong chuỗi"), default=0)
    previous_hash = models.CharField(_("mã băm bản ghi trước"), max_length=64, default="")
    record_hash = models.CharField(_("mã băm"), max_length=64, default="")

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        indexes = [
            models.Index(fields=["movement_model", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
            models.Index(fields=["actor_unit", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain_key", "sequence"], name="audit_chain_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditChainHead(models.Model):
    """The last record of each chain: the row writers lock, so concurrent writers cannot fork a chain.

    It also lets the verifier notice records deleted from the end of a chain, or
    forged after it.
    """

    chain_key = models.CharField(max_length=40, unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")
        verbose_name_plural = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"{self.chain_key}#{self.sequence}"


class AuditDigest(models.Model):
    """The daily seal: the heads of the chains that grew since the previous digest, chained digest to digest.

    Rewriting a chain consistently (recomputing every hash) would still contradict
    the heads sealed here; publishing `digest_hash` outside the system (minutes,
    e-mail) anchors the whole history.
    """

    day = models.DateField(_("ngày"), unique=True)
    sealed_at = models.DateTimeField(_("niêm phong lúc"))
    heads = models.JSONField(_("đầu chuỗi"), default=dict, help_text=_("{chuỗi: [số thứ tự, mã băm]}"))
    chains_total = models.PositiveIntegerField(_("tổng số chuỗi"), default=0)
    previous_hash = models.CharField(max_length=64)
    digest_hash = models.CharField(_("mã băm niêm phong"), max_length=64)

    class Meta:
        ordering = ["day"]
        verbose_name = _("niêm phong nhật ký hằng ngày")
        verbose_name_plural = _("niêm phong nhật ký hằng ngày")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.digest_hash[:12]}"


class AuditLeaf(models.Model):
    """One leaf of the audit log's Merkle tree (RFC 9162): one record, at the position the sequencer gave it.

    Appended only by `recognition.services.audit_tree.audit_tree_append`, which adds the
    records committed since its last run (every minute, and before any checkpoint is
    written). `leaf_hash` is `merkle.record_leaf_hash(event_id, chain_key, sequence,
    record_hash)`; the record's id and chain position are kept here too, so a record
    deleted later is still named. Append-only: triggers refuse UPDATE, DELETE, TRUNCATE.
    """

    tree_index = models.BigIntegerField(_("vị trí trong cây"), primary_key=True)
    event_id = models.BigIntegerField(_("bản ghi"), unique=True)
    chain_key = models.CharField(_("chuỗi"), max_length=40)
    sequence = models.PositiveBigIntegerField(_("số thứ tự trong chuỗi"))
    leaf_hash = models.CharField(_("mã băm lá"), max_length=64)
    appended_at = models.DateTimeField(_("vào cây lúc"))

    class Meta:
        verbose_name = _("lá cây Merkle nhật ký")
        verbose_name_plural = _("lá cây Merkle nhật ký")

    def __str__(self) -> str:
        return f"{self.tree_index}: {self.chain_key}#{self.sequence}"


class AuditCheckpoint(models.Model):
    """A signed statement of the tree's size and root at a moment (a CT "signed tree head").

    The signature (Ed25519) is made with a key kept outside the database, so rows here
    can be deleted but not forged; copies go to witnesses outside the system (e-mail,
    the witness directory, the API). `frontier` holds the roots of the tree's perfect
    subtrees, so the next run appends without reading old leaves; `last_event_id` is
    the highest record id in the tree then. Append-only, like the leaves.
    """

    tree_size = models.PositiveBigIntegerField(_("số lá"), db_index=True)
    root_hash = models.CharField(_("mã băm gốc"), max_length=64)
    signed_at = models.DateTimeField(_("ký lúc"))
    origin = models.CharField(_("nguồn"), max_length=200)
    key_id = models.CharField(_("mã khóa"), max_length=16)
    signature = models.CharField(_("chữ ký"), max_length=128)
    frontier = models.JSONField(_("biên cây"), default=list)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["tree_size", "signed_at"]
        verbose_name = _("mốc kiểm tra đã ký")
        verbose_name_plural = _("mốc kiểm tra đã ký")

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root_hash[:12]}"
