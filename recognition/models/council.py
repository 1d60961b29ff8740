"""The council's own records: who was recused from scoring a model, and when its chair closed it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import MovementModel
from .units import Unit


class CouncilRecusal(models.Model):
    """A council member who got no scoring seat for one model in one round.

    Recorded when the seats are handed out: a member of the registering unit, or of a
    unit below it, does not score that unit's model.
    """

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="council_recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    evaluation_round = models.PositiveSmallIntegerField(_("vòng chấm điểm"))
    reason = models.TextField(_("lý do"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("thành viên không tham gia chấm")
        verbose_name_plural = _("thành viên không tham gia chấm")
        constraints = [
            models.UniqueConstraint(
                fields=["movement_model", "evaluation_round", "member"], name="one_recusal_per_member_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.movement_model}: {self.member}"


class CouncilClosure(models.Model):
    """The chair closed the scoring of one round once the quorum had voted; the unvoted seats were cancelled."""

    movement_model = models.ForeignKey(MovementModel, on_delete=models.PROTECT, related_name="council_closures")
    evaluation_round = models.PositiveSmallIntegerField(_("vòng chấm điểm"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quorum = models.PositiveSmallIntegerField(_("số phiếu tối thiểu"))
    seat_count = models.PositiveSmallIntegerField(_("số ghế chấm"))
    voter_ids = models.JSONField(_("thành viên đã chấm"), default=list)
    absent_ids = models.JSONField(_("thành viên chưa chấm"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kết thúc chấm điểm")
        verbose_name_plural = _("kết thúc chấm điểm")
        constraints = [
            models.UniqueConstraint(fields=["movement_model", "evaluation_round"], name="one_closure_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.movement_model}: {self.evaluation_round}"
