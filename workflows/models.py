"""The engine's rows: a recognition process per model, and its tasks.

Both extend viewflow's tables (multi-table inheritance) with the units that scope
who may see and act on them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from recognition.models import ModelStage, MovementModel, Unit


class RecognitionProcess(Process):
    movement_model = models.OneToOneField(
        MovementModel,
        on_delete=models.PROTECT,
        related_name="process",
        null=True,
        verbose_name=_("mô hình"),
    )
    organising_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("đơn vị tổ chức")
    )
    registering_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("đơn vị đăng ký")
    )

    class Meta:
        verbose_name = _("quy trình công nhận")
        verbose_name_plural = _("quy trình công nhận")

    # Gateway conditions of RecognitionFlow: one line each, read from the domain stage.
    def is_dossier_accepted(self) -> bool:
        return self.movement_model.stage == ModelStage.SURVEY

    def is_evaluation_passed(self) -> bool:
        return self.movement_model.stage == ModelStage.RECOGNITION

    def is_replication_closed(self) -> bool:
        return self.movement_model.stage == ModelStage.CLOSED


class RecognitionTask(Task):
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("đơn vị xử lý"),
        help_text=_("Chỉ thành viên của đơn vị này (có vai trò phù hợp) mới nhận và xử lý nhiệm vụ."),
    )
    # Set when the task is created, from its stage's SLA (workflows.deadlines.planning).
    due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    sla_working_days = models.PositiveSmallIntegerField(_("số ngày làm việc được giao"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")

    # viewflow saves every task it moves on (gateways included) with a plain `save()`.
    # The unit and due date are written when the task is created; while they are as
    # they were loaded or last saved, a save writes viewflow's row only, not this table.
    @classmethod
    def from_db(cls, db, field_names, values):
        task = super().from_db(db, field_names, values)
        task._own_values_saved = task._own_values()
        return task

    def _own_values(self) -> tuple:
        return tuple(self.__dict__.get(attname, _NOT_LOADED) for attname in _OWN_ATTNAMES)

    def save(self, *args, **kwargs):
        unchanged = not self._state.adding and getattr(self, "_own_values_saved", None) == self._own_values()
        if unchanged and not args and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = ENGINE_FIELDS
        super().save(*args, **kwargs)
        self._own_values_saved = self._own_values()


_NOT_LOADED = object()
_OWN_ATTNAMES = tuple(field.attname for field in RecognitionTask._meta.local_concrete_fields if not field.primary_key)
# viewflow's own columns of a task (the `viewflow_task` row).
ENGINE_FIELDS = tuple(field.name for field in Task._meta.concrete_fields if not field.primary_key)


from .deadlines.models import CalendarOverride, DeadlineSlot, EscalationRoute  # noqa: E402,F401
