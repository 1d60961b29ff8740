"""The annual re-review (rà soát hằng năm) of a recognised model: is it still effective?"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import MovementModel


class ReReviewOutcome(models.TextChoices):
    EFFECTIVE = "effective", _("Còn hiệu quả")
    NOT_EFFECTIVE = "not_effective", _("Không còn hiệu quả")


class ReReview(models.Model):
    """One year's re-review of one model: opened on the campaign's date, answered by the standing body.

    One per model and year (a second run of the daily job opens nothing); the rows of
    earlier years are the model's history.
    """

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="rereviews")
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    opened_on = models.DateField(_("ngày mở rà soát"))
    outcome = models.CharField(_("kết quả"), max_length=20, choices=ReReviewOutcome.choices, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("rà soát lúc"), null=True, blank=True)
    evidence = models.ManyToManyField("recognition.Attachment", blank=True, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rà soát hằng năm")
        verbose_name_plural = _("rà soát hằng năm")
        constraints = [models.UniqueConstraint(fields=["movement_model", "year"], name="one_rereview_per_model_year")]

    def __str__(self) -> str:
        return f"{self.movement_model} ({self.year})"

    @property
    def is_done(self) -> bool:
        return bool(self.outcome)
