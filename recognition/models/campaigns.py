"""A campaign (đợt): one year's registration round run by one unit's steering committee.

How its models are scored (the rubric, the thresholds, the aggregation) is not the
campaign's: it belongs to the procedure version each process is pinned to.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import Unit


class Campaign(models.Model):
    name = models.CharField(_("tên đợt"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"))
    organising_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("đơn vị tổ chức (Ban Chỉ đạo)"),
    )
    registration_opens_on = models.DateField(_("mở đăng ký từ ngày"))
    registration_closes_on = models.DateField(_("hạn đăng ký"))
    council_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="council_campaigns",
        verbose_name=_("thành viên hội đồng"),
        help_text=_("Để trống: mọi thành viên hội đồng của đơn vị tổ chức đều chấm điểm."),
    )
    # The chair sits on the council (a member, with a scoring seat) and closes it once the
    # quorum has voted; the secretary keeps the minutes and does not score.
    council_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_campaigns",
        verbose_name=_("chủ tịch hội đồng"),
    )
    council_secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thư ký hội đồng"),
    )
    # The next annual re-review of the models this campaign recognised (the daily job opens it on that day).
    rereview_on = models.DateField(
        _("ngày rà soát hằng năm"),
        null=True,
        blank=True,
        help_text=_("Vào ngày này, mỗi mô hình đã được công nhận của đợt được giao rà soát còn hiệu quả hay không."),
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("đợt đăng ký")
        verbose_name_plural = _("các đợt đăng ký")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_closes_on__gte=models.F("registration_opens_on")),
                name="campaign_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def is_open_on(self, day) -> bool:
        return self.registration_opens_on <= day <= self.registration_closes_on
