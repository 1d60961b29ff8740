"""Recognition decisions: one decision recognises many models, listed in its annex."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .dossiers import MovementModel
from .review import Classification
from .units import Unit


class RecognitionDecision(models.Model):
    """An issued decision. Never edited after its signing day: corrections are new decisions."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="decisions")
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số quyết định"), max_length=50)
    year = models.PositiveSmallIntegerField(_("năm"))
    signed_on = models.DateField(_("ngày ký"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("trích yếu"), max_length=500)
    revokes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="revoked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "year", "number"], name="decision_number_unique_per_year")
        ]

    def __str__(self) -> str:
        return self.number


class DecisionEntry(models.Model):
    """A row of the decision's annex."""

    decision = models.ForeignKey(RecognitionDecision, on_delete=models.PROTECT, related_name="entries")
    movement_model = models.OneToOneField(MovementModel, on_delete=models.PROTECT, related_name="decision_entry")
    classification = models.CharField(_("xếp loại"), max_length=20, choices=Classification.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("danh mục kèm quyết định")
        verbose_name_plural = _("danh mục kèm quyết định")

    def __str__(self) -> str:
        return f"{self.decision} — {self.movement_model}"
