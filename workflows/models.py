"""The engine's rows: a recognition process per model, and its tasks.

Both are viewflow's abstract process and task (no multi-table inheritance), set as
the flow's `process_class` and `task_class`, with the columns the lists filter and sort
on in the same row: the acting unit, the due date and the registering unit's path
(`scope_path`), which scopes a list to a unit's subtree with an indexed prefix match.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import AbstractProcess, AbstractTask
from viewflow.workflow.status import STATUS

from procedures.models import ProcedureVersion
from recognition.models import (
    ApprovalOpinion,
    DossierReview,
    EvaluationResult,
    MovementModel,
    Replication,
    ReplicationStatus,
    ReReview,
    Unit,
)

SCOPE_PATH_LENGTH = 255


class SeedAndArtifact(models.Model):
    """What viewflow's own Process and Task rows hold beside its abstract columns: the data
    and the seed and artifact references its nodes may set."""

    data = models.JSONField(default=dict, blank=True)
    seed_content_type = models.ForeignKey(
        ContentType, blank=True, null=True, on_delete=models.CASCADE, related_name="+"
    )
    seed_object_id = models.PositiveIntegerField(null=True, blank=True)
    seed = GenericForeignKey("seed_content_type", "seed_object_id")
    artifact_content_type = models.ForeignKey(
        ContentType, blank=True, null=True, on_delete=models.CASCADE, related_name="+"
    )
    artifact_object_id = models.PositiveIntegerField(null=True, blank=True)
    artifact = GenericForeignKey("artifact_content_type", "artifact_object_id")

    class Meta:
        abstract = True


class RecognitionProcess(AbstractProcess, SeedAndArtifact):  # noqa: DJ008 (__str__ is AbstractProcess's)
    parent_task = models.ForeignKey(
        "RecognitionTask", blank=True, null=True, on_delete=models.CASCADE, related_name="subprocesses"
    )

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
    scope_path = models.CharField(_("đường dẫn đơn vị đăng ký"), max_length=SCOPE_PATH_LENGTH, blank=True, default="")
    # The procedure version in force when the process started; the process keeps it (see `procedures`).
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="processes",
        null=True,
        verbose_name=_("phiên bản quy trình"),
    )
    # A follow-up process (workflows.followups) follows a recognised model without being its
    # recognition process: `movement_model` (one per model) stays empty, `followed_model`
    # names the model, and the adoption or the year's re-review it follows is set.
    followed_model = models.ForeignKey(
        MovementModel,
        on_delete=models.PROTECT,
        related_name="follow_up_processes",
        null=True,
        blank=True,
        verbose_name=_("mô hình được theo dõi"),
    )
    replication = models.ForeignKey(
        Replication,
        on_delete=models.PROTECT,
        related_name="follow_up_processes",
        null=True,
        blank=True,
        verbose_name=_("đơn vị nhân rộng"),
    )
    rereview = models.ForeignKey(
        ReReview,
        on_delete=models.PROTECT,
        related_name="follow_up_processes",
        null=True,
        blank=True,
        verbose_name=_("rà soát hằng năm"),
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("quy trình công nhận")
        verbose_name_plural = _("quy trình công nhận")
        indexes = [
            models.Index(
                fields=["scope_path", "created"],
                name="process_scope_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    # Gateway conditions of RecognitionFlow: each reads the explicit outcome of the step
    # before it, never the stage. The dossier review and the evaluation result are the
    # records the step has just created: the step hands them to the process
    # (`outcome_keep`), so the gateway reads no row; a process loaded afresh reads the
    # latest one. Closing the replication tracking sets `tracking_closed_at` on the model
    # (already loaded with the process).
    def is_dossier_accepted(self) -> bool:
        return self.dossier_review_latest.is_accepted

    def is_evaluation_passed(self) -> bool:
        return self.evaluation_result_latest.is_passed

    def is_replication_closed(self) -> bool:
        return self.movement_model.tracking_closed_at is not None

    def is_adoption_effective(self) -> bool:
        """The follow-up of an adoption ends once the adopting unit reports it effective."""
        return self.replication.status == ReplicationStatus.EFFECTIVE

    @property
    def subject_model(self) -> MovementModel | None:
        """The model this process is about: its own (recognition) or the one it follows (follow-up)."""
        if self.movement_model_id is not None:
            return self.movement_model
        return self.followed_model if self.followed_model_id is not None else None

    @property
    def subject_model_id(self) -> int | None:
        return self.movement_model_id or self.followed_model_id

    @cached_property
    def dossier_review_latest(self) -> DossierReview:
        return DossierReview.objects.filter(movement_model_id=self.movement_model_id).latest("created_at", "pk")

    @cached_property
    def evaluation_result_latest(self) -> EvaluationResult:
        return EvaluationResult.objects.filter(movement_model_id=self.movement_model_id).latest("created_at", "pk")

    @cached_property
    def approval_opinion_latest(self) -> ApprovalOpinion:
        return ApprovalOpinion.objects.filter(movement_model_id=self.movement_model_id).latest("created_at", "pk")

    def outcome_keep(self, record) -> None:
        """Keep the record a step has just created for the gateway that follows it (not saved)."""
        if isinstance(record, DossierReview):
            self.dossier_review_latest = record
        elif isinstance(record, EvaluationResult):
            self.evaluation_result_latest = record
        elif isinstance(record, ApprovalOpinion):
            self.approval_opinion_latest = record
        elif isinstance(record, Replication):
            self.replication = record
        else:
            raise TypeError(f"no gateway reads a {type(record).__name__}")


class RecognitionTask(AbstractTask, SeedAndArtifact):  # noqa: DJ008 (__str__ is AbstractTask's)
    # viewflow indexes these columns one by one; the lists here read them through the
    # composite and partial indexes of Meta instead, so each insert maintains fewer indexes.
    status = models.CharField(_("Status"), choices=STATUS.choices, default=STATUS.NEW, max_length=50)
    created = models.DateTimeField(_("Created"), default=timezone.now)
    scheduled = models.DateTimeField(_("Scheduled"), blank=True, null=True)
    external_task_id = models.CharField(_("External Task ID"), max_length=50, blank=True, null=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        blank=True,
        null=True,
        db_index=False,
        verbose_name=_("Owner"),
    )
    process = models.ForeignKey(
        RecognitionProcess,
        on_delete=models.CASCADE,
        related_name="task_set",
        db_index=False,
        verbose_name=_("quy trình"),
    )

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("đơn vị xử lý"),
        help_text=_("Chỉ thành viên của đơn vị này (có vai trò phù hợp) mới nhận và xử lý nhiệm vụ."),
    )
    # The process's registering unit path, copied when the task is created.
    scope_path = models.CharField(_("đường dẫn đơn vị đăng ký"), max_length=SCOPE_PATH_LENGTH, blank=True, default="")
    # Set when the task is created, from its stage's SLA (workflows.deadlines.planning).
    due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    sla_working_days = models.PositiveSmallIntegerField(_("số ngày làm việc được giao"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        indexes = [
            # The inbox: a person's claimed tasks, oldest first.
            models.Index(fields=["owner", "created", "id"], name="task_inbox_idx", condition=Q(status=STATUS.ASSIGNED)),
            # The queue: a unit's unclaimed human tasks, oldest first. The permission rides in
            # the index (PostgreSQL), so the queue's count skips the tasks of other roles
            # without reading their rows.
            models.Index(
                fields=["unit", "created", "id"],
                include=["owner_permission"],
                name="task_queue_idx",
                condition=Q(status=STATUS.NEW, flow_task_type="HUMAN"),
            ),
            # The archive: a person's finished tasks, newest first.
            models.Index(
                fields=["owner", "-finished", "-id"], name="task_archive_idx", condition=Q(finished__isnull=False)
            ),
            # Every task of a unit's subtree (prefix match on the path), newest first.
            models.Index(
                fields=["scope_path", "created"],
                name="task_scope_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(fields=["process", "created"], name="task_process_idx"),
        ]

    def save(self, *args, **kwargs):
        # Every task (gateways and joins too, which viewflow creates itself) carries its
        # process's scope, read from the process instance viewflow hands it.
        if self._state.adding and not self.scope_path:
            process = self._state.fields_cache.get("process")
            if process is None and self.process_id is not None:
                process = self.process
            if process is not None:
                self.scope_path = process.scope_path
        super().save(*args, **kwargs)

    @property
    def title(self):
        """The step's title; an additional approval step's from the pinned version (kept in task.data)."""
        return (self.data or {}).get("title") or super().title

    def reverse(self, view_name: str, *args) -> str:
        return self.flow_task.reverse(view_name, args=[self.process_id, self.pk, *args])


from .deadlines.models import CalendarOverride, DeadlineSlot, EscalationRoute  # noqa: E402,F401
