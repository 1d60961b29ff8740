"""Recognition decisions: one decision recognises many models, listed in its annex.

A decision is issued once and never edited: a mistake is corrected by a new decision
that revokes or amends it (DOMAIN.md). So a model can appear in several decisions
(recognised, then amended, then revoked); the one that speaks for it now is its
*live* decision: the latest decision listing it, unless that is a revocation.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .dossiers import MovementModel
from .review import Classification
from .units import Unit


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Công nhận")
    REVOCATION = "revocation", _("Thu hồi")
    AMENDMENT = "amendment", _("Sửa đổi")


class DecisionStatus(models.TextChoices):
    # Decisions are stored only once signed: there is no draft row to edit.
    ISSUED = "issued", _("Đã ban hành")


# The only columns of an issued decision that may still be written: the signed scan,
# added after the paper is signed and sealed, and the mark that the flow caught up.
DECISION_MUTABLE_FIELDS = frozenset({"signed_scan", "signed_scan_sha256", "scan_uploaded_at", "tasks_settled_at"})


class DecisionImmutable(ValidationError):
    """An attempt to change an issued decision or its annex."""


class RecognitionDecision(models.Model):
    """An issued decision. Never edited: corrections are new decisions (revocation, amendment)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="decisions")
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("loại quyết định"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.RECOGNITION
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.ISSUED
    )
    # The number of the issuing body's yearly sequence; `number` is it in the version's format.
    sequence_number = models.PositiveIntegerField(_("số thứ tự"), null=True, blank=True)
    number = models.CharField(_("số quyết định"), max_length=50)
    year = models.PositiveSmallIntegerField(_("năm"))
    signed_on = models.DateField(_("ngày ký"))
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("họ tên người ký"), max_length=255, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500)
    reason = models.TextField(_("lý do"), blank=True)
    bases = models.JSONField(_("căn cứ"), default=list, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    revokes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_by",
        verbose_name=_("thu hồi quyết định"),
    )
    amends = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amended_by",
        verbose_name=_("sửa đổi quyết định"),
    )
    pdf = models.FileField(_("tệp PDF"), upload_to="decisions/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 của tệp PDF"), max_length=64, blank=True)
    signed_scan = models.FileField(_("bản ký, đóng dấu (bản quét)"), upload_to="decisions/scans/%Y/", blank=True)
    signed_scan_sha256 = models.CharField(_("SHA-256 của bản quét"), max_length=64, blank=True)
    scan_uploaded_at = models.DateTimeField(_("tải bản quét lúc"), null=True, blank=True)
    # Empty until the worker has completed (or cancelled) the covered models' open tasks:
    # the decision row is its own outbox entry (workflows.decision_flow).
    tasks_settled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "year", "number"], name="decision_number_unique_per_year"),
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "sequence_number"], name="decision_sequence_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.RECOGNITION) | ~Q(reason=""), name="decision_correction_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.REVOCATION, revokes__isnull=False)
                | (~Q(kind=DecisionKind.REVOCATION) & Q(revokes__isnull=True)),
                name="decision_revocation_links_revoked",
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.AMENDMENT, amends__isnull=False)
                | (~Q(kind=DecisionKind.AMENDMENT) & Q(amends__isnull=True)),
                name="decision_amendment_links_amended",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "-signed_on"], name="decision_campaign_idx")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        """An issued decision is written once; afterwards only its scan and settle mark (update_fields)."""
        if self.pk is not None and not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= DECISION_MUTABLE_FIELDS:
                raise DecisionImmutable(_("Quyết định đã ban hành không được sửa; hãy ban hành quyết định sửa đổi."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DecisionImmutable(_("Quyết định đã ban hành không được xóa; hãy ban hành quyết định thu hồi."))


class DecisionEntry(models.Model):
    """A row of the decision's annex: a model recognised, reclassified (amendment) or revoked."""

    decision = models.ForeignKey(RecognitionDecision, on_delete=models.PROTECT, related_name="entries")
    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="decision_entries")
    classification = models.CharField(_("xếp loại"), max_length=20, choices=Classification.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("danh mục kèm quyết định")
        verbose_name_plural = _("danh mục kèm quyết định")
        constraints = [
            models.UniqueConstraint(fields=["decision", "movement_model"], name="decision_entry_once_per_decision")
        ]

    def __str__(self) -> str:
        return f"{self.decision} — {self.movement_model}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise DecisionImmutable(_("Danh mục kèm quyết định đã ban hành không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DecisionImmutable(_("Danh mục kèm quyết định đã ban hành không được xóa."))
