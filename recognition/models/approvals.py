"""Opinions given at the additional approval steps a procedure version inserts between stages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import MovementModel


class ApprovalOutcome(models.TextChoices):
    APPROVE = "approve", _("Đồng ý, chuyển bước tiếp theo")
    RETURN = "return", _("Trả lại đơn vị để bổ sung hồ sơ")
    REJECT = "reject", _("Không đồng ý, kết thúc hồ sơ (không công nhận)")


class ApprovalOpinion(models.Model):
    """One person's opinion at one approval step (e.g. "Thẩm định của Mặt trận"), with its reason.

    The step's key and title are copied from the procedure version the case follows, so
    the record reads the same after the procedure changes.
    """

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="approval_opinions")
    step_key = models.CharField(_("mã bước phê duyệt"), max_length=64)
    step_title = models.CharField(_("bước phê duyệt"), max_length=255)
    outcome = models.CharField(_("ý kiến"), max_length=20, choices=ApprovalOutcome.choices)
    reason = models.TextField(_("lý do / nội dung"), blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ý kiến phê duyệt")
        verbose_name_plural = _("ý kiến phê duyệt")

    def __str__(self) -> str:
        return f"{self.movement_model}: {self.step_title} — {self.get_outcome_display()}"
