"""Awards: after recognition the standing body proposes tiêu biểu models for a giấy khen or
bằng khen (a tờ trình with its list), and records the competent authority's decision.

Awards are not part of recognition (DOMAIN.md): the steering committee proposes, the
authority decides (Law on Emulation and Commendation 2022). A proposal is immutable once
sent; its decision is recorded once, as `Award` rows for the items the authority granted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .dossiers import MovementModel
from .review import Classification
from .units import Unit


class AwardKind(models.TextChoices):
    CERTIFICATE_OF_MERIT = "certificate_of_merit", _("Giấy khen")
    DIPLOMA_OF_MERIT = "diploma_of_merit", _("Bằng khen")


class AwardProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đã đề nghị, chờ quyết định")
    DECIDED = "decided", _("Đã có quyết định khen thưởng")


class AwardProposal(models.Model):
    """The standing body's tờ trình proposing models of one campaign for one kind of award."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="award_proposals", verbose_name=_("đợt đăng ký")
    )
    proposing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="award_proposals", verbose_name=_("đơn vị đề nghị")
    )
    # The proposing unit's yearly sequence; `number` is it in the tờ trình format ("03-TTr/BCĐ").
    sequence_number = models.PositiveIntegerField(_("số thứ tự"))
    number = models.CharField(_("số tờ trình"), max_length=50)
    year = models.PositiveSmallIntegerField(_("năm"))
    proposed_on = models.DateField(_("ngày đề nghị"))
    award_kind = models.CharField(_("hình thức khen thưởng"), max_length=30, choices=AwardKind.choices)
    authority = models.CharField(_("cấp có thẩm quyền"), max_length=255)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=AwardProposalStatus.choices, default=AwardProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pdf = models.FileField(_("tệp PDF tờ trình"), upload_to="awards/%Y/")
    pdf_sha256 = models.CharField(_("SHA-256 của tệp PDF"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("tờ trình đề nghị khen thưởng")
        verbose_name_plural = _("tờ trình đề nghị khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["proposing_unit", "year", "sequence_number"], name="award_proposal_number_unique_per_year"
            )
        ]
        permissions = [("propose_award", _("Đề nghị khen thưởng, ghi nhận quyết định khen thưởng"))]

    def __str__(self) -> str:
        return self.number


class AwardProposalItem(models.Model):
    """One proposed model, with the classification of its live decision entry when proposed."""

    proposal = models.ForeignKey(AwardProposal, on_delete=models.PROTECT, related_name="items")
    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="award_proposal_items")
    classification = models.CharField(_("xếp loại"), max_length=20, choices=Classification.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("mô hình được đề nghị khen thưởng")
        verbose_name_plural = _("mô hình được đề nghị khen thưởng")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "movement_model"], name="award_item_once_per_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.movement_model}"


class Award(models.Model):
    """An award the competent authority granted to a proposed model (its decision, as it came back)."""

    item = models.OneToOneField(AwardProposalItem, on_delete=models.PROTECT, related_name="award")
    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="awards")
    number = models.CharField(_("số quyết định khen thưởng"), max_length=50)
    decided_on = models.DateField(_("ngày quyết định"))
    authority = models.CharField(_("cấp quyết định"), max_length=255)
    kind = models.CharField(_("hình thức khen thưởng"), max_length=30, choices=AwardKind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} — {self.movement_model}"
