"""The annual re-review: which models are due, opening a year's re-review, recording its outcome."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import AuditAction, Campaign, MovementModel, ReReview, ReReviewOutcome, User

from .attachments import attachments_store
from .audit import audit_record
from .replication import RECOGNISED_STAGES


def effective_models(queryset: QuerySet[MovementModel] | None = None) -> QuerySet[MovementModel]:
    """Recognised models still effective: not dropped by a re-review (what reports count as effective)."""
    queryset = MovementModel.objects.all() if queryset is None else queryset
    return queryset.filter(stage__in=RECOGNISED_STAGES, no_longer_effective_since__isnull=True)


def campaigns_due_for_rereview(*, today: date) -> QuerySet[Campaign]:
    """Campaigns whose re-review date of this year has come (a missed day is caught up later in the year)."""
    return Campaign.objects.filter(rereview_on__lte=today, rereview_on__year=today.year).select_related(
        "organising_unit"
    )


def rereview_candidates(*, campaign: Campaign) -> QuerySet[MovementModel]:
    """The models a campaign's re-review date covers: every effective model the same organising unit
    recognised in an earlier year's campaign, without a re-review for that year yet."""
    year = campaign.rereview_on.year
    return (
        effective_models()
        .filter(campaign__organising_unit_id=campaign.organising_unit_id, campaign__year__lt=year)
        .exclude(rereviews__year=year)
        .select_related("campaign", "unit")
        .order_by("pk")
    )


def rereview_open(*, movement_model: MovementModel, year: int, opened_on: date) -> ReReview | None:
    """Open the model's re-review of `year`; None when it exists already (the job ran twice)."""
    try:
        with transaction.atomic():
            return ReReview.objects.create(movement_model=movement_model, year=year, opened_on=opened_on)
    except IntegrityError:
        return None


def rereview_complete(
    *, rereview: ReReview, reviewed_by: User, is_effective: bool, reason: str = "", files=()
) -> ReReview:
    """Record the standing body's answer. A model no longer effective leaves the effective counts
    (`no_longer_effective_since`); its stage and history stay. The reason is mandatory then."""
    reason = (reason or "").strip()
    if not is_effective and not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do khi kết luận mô hình không còn hiệu quả.")})
    with transaction.atomic():
        rereview = ReReview.objects.select_for_update().select_related("movement_model").get(pk=rereview.pk)
        if rereview.is_done:
            raise ValidationError(_("Rà soát năm %(year)s đã có kết quả.") % {"year": rereview.year})
        movement_model = rereview.movement_model
        rereview.outcome = ReReviewOutcome.EFFECTIVE if is_effective else ReReviewOutcome.NOT_EFFECTIVE
        rereview.reason = reason
        rereview.reviewed_by = reviewed_by
        rereview.reviewed_at = timezone.now()
        rereview.save(update_fields=["outcome", "reason", "reviewed_by", "reviewed_at"])
        evidence = attachments_store(
            movement_model=movement_model, stage=movement_model.stage, files=files, uploaded_by=reviewed_by
        )
        if evidence:
            rereview.evidence.add(*evidence)
        payload = {"rereview": rereview.pk, "year": rereview.year, "evidence": [a.pk for a in evidence]}
        if not is_effective:
            movement_model.no_longer_effective_since = timezone.localdate()
            movement_model.save(update_fields=["no_longer_effective_since", "updated_at"])
            payload["no_longer_effective_since"] = movement_model.no_longer_effective_since.isoformat()
        audit_record(
            action=AuditAction.REREVIEW_CONFIRMED if is_effective else AuditAction.REREVIEW_DROPPED,
            actor=reviewed_by,
            movement_model=movement_model,
            reason=reason,
            payload=payload,
        )
    return rereview
