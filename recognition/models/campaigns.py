"""A campaign (đợt): one year's registration round run by one unit's steering committee."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import Unit


class Campaign(models.Model):
    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Bình quân điểm của các thành viên")
        MEDIAN = "median", _("Trung vị điểm của các thành viên")

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
    pass_threshold = models.DecimalField(
        _("ngưỡng công nhận"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    outstanding_threshold = models.DecimalField(
        _("ngưỡng tiêu biểu"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    aggregation = models.CharField(
        _("cách tổng hợp điểm"), max_length=20, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    council_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="council_campaigns",
        verbose_name=_("thành viên hội đồng"),
        help_text=_("Để trống: mọi thành viên hội đồng của đơn vị tổ chức đều chấm điểm."),
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
