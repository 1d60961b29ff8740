"""Review steps: dossier checks, the survey report, council scores and the tally."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import MovementModel
from .reference import Criterion


class DossierReview(models.Model):
    """One check of the dossier by the standing body: accepted, or returned with a reason."""

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="dossier_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_accepted = models.BooleanField(_("hồ sơ hợp lệ"))
    reason = models.TextField(_("lý do / yêu cầu bổ sung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("kiểm tra hồ sơ")
        verbose_name_plural = _("kiểm tra hồ sơ")

    def __str__(self) -> str:
        return f"{self.movement_model}: {_('hợp lệ') if self.is_accepted else _('trả lại')}"


class SurveyRecommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Đề nghị công nhận")
    NOT_RECOMMEND = "not_recommend", _("Không đề nghị công nhận")


class SurveyReport(models.Model):
    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="survey_reports")
    surveyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("ngày khảo sát"))
    findings = models.TextField(_("kết quả khảo sát"))
    recommendation = models.CharField(_("kiến nghị"), max_length=20, choices=SurveyRecommendation.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("báo cáo khảo sát")
        verbose_name_plural = _("báo cáo khảo sát")

    def __str__(self) -> str:
        return f"{self.movement_model}: {self.visited_on:%d/%m/%Y}"


class CouncilScore(models.Model):
    """One council member's scores for one model."""

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="council_scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total = models.PositiveSmallIntegerField(_("tổng điểm"))
    comment = models.TextField(_("nhận xét"), blank=True)
    evaluation_round = models.PositiveSmallIntegerField(_("vòng chấm điểm"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["movement_model", "evaluation_round", "member"], name="one_score_sheet_per_member_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.movement_model}: {self.member} — {self.total}"


class CriterionScore(models.Model):
    council_score = models.ForeignKey(CouncilScore, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("điểm"))

    class Meta:
        ordering = ["criterion__order"]
        constraints = [models.UniqueConstraint(fields=["council_score", "criterion"], name="one_point_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class Classification(models.TextChoices):
    RECOGNISED = "recognised", _("Công nhận")
    OUTSTANDING = "outstanding", _("Tiêu biểu")
    REJECTED = "rejected", _("Không công nhận")


class Aggregation(models.TextChoices):
    """How the council's sheets become one result (the values of the procedure versions' rule)."""

    MEAN = "mean", _("Bình quân điểm của các thành viên")
    MEDIAN = "median", _("Trung vị điểm của các thành viên")
    TRIMMED_MEAN = "trimmed_mean", _("Bình quân sau khi bỏ điểm cao nhất và thấp nhất")
    MAJORITY = "majority", _("Theo xếp loại của đa số thành viên")


class EvaluationResult(models.Model):
    """The council's aggregated result, with the rule and the rubric that produced it (for auditors).

    `rubric` keeps the criteria as the tally used them (code, name, max points, weight), so
    the explanation stays true after the catalogue or the procedure changes.
    """

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="evaluation_results")
    aggregation = models.CharField(_("cách tổng hợp"), max_length=20, choices=Aggregation.choices)
    score = models.DecimalField(_("điểm tổng hợp"), max_digits=6, decimal_places=2)
    pass_threshold = models.DecimalField(_("ngưỡng công nhận"), max_digits=5, decimal_places=2)
    outstanding_threshold = models.DecimalField(_("ngưỡng tiêu biểu"), max_digits=5, decimal_places=2)
    member_count = models.PositiveSmallIntegerField(_("số phiếu"))
    classification = models.CharField(_("kết quả"), max_length=20, choices=Classification.choices)
    rubric = models.JSONField(_("bộ tiêu chí đã dùng"), default=list, blank=True)
    # The procedure version the process was pinned to (an id, not a key: recognition does not depend on procedures).
    procedure_version_id = models.PositiveIntegerField(_("phiên bản quy trình"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("kết quả đánh giá")
        verbose_name_plural = _("kết quả đánh giá")

    def __str__(self) -> str:
        return f"{self.movement_model}: {self.score} ({self.classification})"

    @property
    def is_passed(self) -> bool:
        return self.classification != Classification.REJECTED
