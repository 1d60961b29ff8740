"""Quotas of a campaign: how many models each kind of unit registers (e.g. 1–3 per commune Party committee)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .units import UnitKind


class CampaignQuota(models.Model):
    """The minimum and maximum number of models one unit of a kind registers in a campaign.

    The maximum is enforced at registration; the minimum is reported as a shortfall list.
    The unit's kind is `Unit.kind` (UnitKind), not its level: a commune's Party committee
    and its women's union are both at commune level but have different quotas.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("đợt"))
    unit_kind = models.CharField(_("loại đơn vị"), max_length=32, choices=UnitKind.choices)
    minimum = models.PositiveSmallIntegerField(_("tối thiểu"), default=0)
    maximum = models.PositiveSmallIntegerField(
        _("tối đa"), null=True, blank=True, help_text=_("Để trống: không giới hạn.")
    )

    class Meta:
        ordering = ["campaign", "unit_kind"]
        verbose_name = _("chỉ tiêu đăng ký")
        verbose_name_plural = _("chỉ tiêu đăng ký")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit_kind"], name="campaign_quota_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(maximum__isnull=True) | models.Q(maximum__gte=models.F("minimum")),
                name="campaign_quota_range_ordered",
                violation_error_message=_("Số tối đa phải lớn hơn hoặc bằng số tối thiểu."),
            ),
        ]

    def __str__(self) -> str:
        upper = self.maximum if self.maximum is not None else "…"
        return f"{self.get_unit_kind_display()}: {self.minimum}–{upper}"
