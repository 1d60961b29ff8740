"""Replication (nhân rộng): other units adopting a recognised model."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import MovementModel
from .units import Unit


class ReplicationStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    IMPLEMENTING = "implementing", _("Đang triển khai")
    EFFECTIVE = "effective", _("Hiệu quả")


# The order an adoption goes through: a status never moves back.
REPLICATION_STATUS_ORDER = (ReplicationStatus.PLANNED, ReplicationStatus.IMPLEMENTING, ReplicationStatus.EFFECTIVE)


class Replication(models.Model):
    """One unit adopting one model: planned → implementing → effective, with the day of each move."""

    source_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="replications")
    adopting_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="adopted_models")
    started_on = models.DateField(_("ngày bắt đầu"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ReplicationStatus.choices, default=ReplicationStatus.PLANNED
    )
    implementing_since = models.DateField(_("triển khai từ ngày"), null=True, blank=True)
    effective_since = models.DateField(_("hiệu quả từ ngày"), null=True, blank=True)
    report = models.TextField(_("báo cáo kết quả"), blank=True)
    reported_at = models.DateTimeField(_("báo cáo lúc"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on"]
        verbose_name = _("nhân rộng")
        verbose_name_plural = _("nhân rộng")
        constraints = [
            models.UniqueConstraint(fields=["source_model", "adopting_unit"], name="one_replication_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.source_model} → {self.adopting_unit}"
