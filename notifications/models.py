"""The notification outbox and each person's in-app list (one row is both).

A row is written in the transaction of the change that causes it; the outbox relay
(`manage.py outbox_relay`, notifications/relay.py) publishes a delivery message for it
after the commit, and a Celery task delivers it (in-app, and by e-mail as the
recipient prefers) and marks it sent.
This app knows nothing about flows: callers hand it people, a kind and a context.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("Nhiệm vụ mới")
    REMINDER = "reminder", _("Nhắc việc")
    ESCALATION = "escalation", _("Nhiệm vụ quá hạn")
    REASSIGNED = "reassigned", _("Chuyển giao nhiệm vụ")
    AUDIT_CHECKPOINT = "audit_checkpoint", _("Mốc kiểm tra nhật ký")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Gửi thư ngay")
    DIGEST = "digest", _("Gộp vào thư tổng hợp hằng ngày")
    NONE = "none", _("Không gửi thư (chỉ xem trên hệ thống)")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")
        SKIPPED = "skipped", _("Bỏ qua")

    class EmailStatus(models.TextChoices):
        UNDECIDED = "", _("Chưa xét")
        SENT = "sent", _("Đã gửi thư")
        DIGEST_PENDING = "digest_pending", _("Chờ thư tổng hợp")
        DIGEST_SENT = "digest_sent", _("Đã gửi trong thư tổng hợp")
        NOT_WANTED = "not_wanted", _("Người nhận không nhận thư")
        NO_ADDRESS = "no_address", _("Không có địa chỉ thư")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    kind = models.CharField(_("loại"), max_length=32, choices=NotificationKind.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    source_key = models.CharField(
        _("khóa nguồn"),
        max_length=190,
        unique=True,
        help_text=_("Sự kiện gây ra thông báo và người nhận: mỗi cặp chỉ có một thông báo."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), db_index=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    next_attempt_at = models.DateTimeField(_("lần gửi kế tiếp"))
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # When a delivery message was first published for the row (by the relay, the sweep, or
    # right after the commit in "on_commit" mode); empty while the relay still has to publish it.
    relayed_at = models.DateTimeField(_("chuyển đi lúc"), null=True, blank=True)
    email_status = models.CharField(
        _("thư điện tử"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.UNDECIDED, blank=True
    )
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="notification_outbox_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_inbox_idx",
                condition=Q(status="sent"),
            ),
            models.Index(fields=["id"], name="notification_relay_idx", condition=Q(relayed_at__isnull=True)),
            models.Index(
                fields=["recipient"],
                name="notification_digest_idx",
                condition=Q(email_status="digest_pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("người dùng"),
    )
    email_mode = models.CharField(
        _("nhận thư điện tử"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"
