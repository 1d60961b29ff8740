"""Rows of the deadline machinery: calendar overrides, escalation routes and deadline slots."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recognition.models import Unit
from recognition.roles import Role


class CalendarOverride(models.Model):
    """A day whose status differs from the law's calendar, announced yearly by the Government.

    A swapped Saturday worked to bridge a holiday is a WORKING_DAY; an extra day off
    (or the weekday given in exchange) is a DAY_OFF. One date has at most one override.
    """

    class Kind(models.TextChoices):
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")
        DAY_OFF = "day_off", _("Ngày nghỉ")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("căn cứ"), max_length=255, help_text=_("Ví dụ: Thông báo số .../TB-BNV."))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"

    def clean(self) -> None:
        from .calendar import calendar_override_problem

        if self.date is None or not self.kind:
            return
        problem = calendar_override_problem(day=self.date, kind=self.kind, exclude_pk=self.pk)
        if problem:
            raise ValidationError({"date": problem})

    def validate_unique(self, exclude=None):
        # clean() explains a clash on the date in words; skip the generic "already exists".
        super().validate_unique(exclude=[*(exclude or []), "date"])


class EscalationRoute(models.Model):
    """Who supervises a unit when its task is overdue, when that is not simply its parent unit.

    Without a route a task escalates to the standing body of its own unit, then of the
    parent unit (commune → province). A route may also hand an overdue task over to
    the supervisor.
    """

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="escalation_route", verbose_name=_("đơn vị")
    )
    supervising_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị giám sát")
    )
    supervisor_role = models.CharField(
        _("vai trò giám sát"), max_length=32, choices=Role.choices, default=Role.STANDING_BODY
    )
    reassign_overdue = models.BooleanField(
        _("chuyển nhiệm vụ quá hạn cho người giám sát"),
        default=False,
        help_text=_("Khi quá hạn, nhiệm vụ đã có người nhận được chuyển cho người giám sát có quyền xử lý."),
    )

    class Meta:
        verbose_name = _("tuyến chuyển cấp")
        verbose_name_plural = _("tuyến chuyển cấp")

    def __str__(self) -> str:
        return f"{self.unit} → {self.supervising_unit}"

    def clean(self) -> None:
        from .escalation import escalation_route_problem

        if self.unit_id is None or self.supervising_unit_id is None:
            return
        problem = escalation_route_problem(unit_id=self.unit_id, supervising_unit_id=self.supervising_unit_id)
        if problem:
            raise ValidationError({"supervising_unit": problem})


class DeadlineSlot(models.Model):
    """One planned reminder or escalation of one task.

    The unique (task, rule) key makes each slot fire at most once, whatever number of
    beats, duplicate messages or retries reach it; `next_attempt_at` is what the beat
    scans (a partial index keeps that scan small however many tasks are closed).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Nhắc việc")
        ESCALATION = "escalation", _("Chuyển cấp trên")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ đến hạn")
        FIRED = "fired", _("Đã thực hiện")
        CANCELLED = "cancelled", _("Đã hủy (nhiệm vụ đã xong)")
        FAILED = "failed", _("Lỗi")

    task = models.ForeignKey(
        "workflows.RecognitionTask", on_delete=models.CASCADE, related_name="deadline_slots", verbose_name=_("nhiệm vụ")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    rule = models.CharField(_("quy tắc"), max_length=64, help_text=_("Ví dụ: reminder.due-2, escalation.level-1."))
    fire_at = models.DateTimeField(_("thời điểm thực hiện"))
    next_attempt_at = models.DateTimeField(_("lần quét kế tiếp"))
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    fired_at = models.DateTimeField(_("thực hiện lúc"), null=True, blank=True)
    outcome = models.JSONField(_("kết quả"), default=dict, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        ordering = ["fire_at", "pk"]
        verbose_name = _("mốc nhắc việc, chuyển cấp")
        verbose_name_plural = _("mốc nhắc việc, chuyển cấp")
        constraints = [
            models.UniqueConstraint(fields=["task", "rule"], name="deadline_slot_once_per_task_rule"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="deadline_slot_due_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} #{self.task_id} @ {self.fire_at:%Y-%m-%d %H:%M}"
