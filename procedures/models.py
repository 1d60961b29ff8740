"""Procedure definitions and their versions (draft → published → retired).

A definition belongs to the unit that runs campaigns with it (no unit: the national
default). A unit without a definition of its own uses the nearest one above it in the
unit tree. At most one version of a definition is published at a time; a published or
retired version never changes, and every process keeps the version it started under.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recognition.models import Unit


class ProcedureDefinition(models.Model):
    owner_unit = models.OneToOneField(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure_definition",
        verbose_name=_("đơn vị sở hữu"),
        help_text=_("Để trống: quy trình chung toàn quốc, dùng khi đơn vị và các cấp trên chưa có quy trình riêng."),
    )
    name = models.CharField(_("tên quy trình"), max_length=255)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("quy trình")
        verbose_name_plural = _("quy trình")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(owner_unit__isnull=True), name="one_national_definition_per_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đang áp dụng")
        RETIRED = "retired", _("Đã thay thế")

    definition = models.ForeignKey(
        ProcedureDefinition, on_delete=models.PROTECT, related_name="versions", verbose_name=_("quy trình")
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    spec = models.JSONField(_("nội dung"))
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("dựa trên")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("áp dụng từ"), null=True, blank=True)
    publish_reason = models.TextField(_("lý do ban hành"), blank=True)
    retired_at = models.DateTimeField(_("thay thế lúc"), null=True, blank=True)

    class Meta:
        ordering = ["definition", "-number"]
        verbose_name = _("phiên bản quy trình")
        verbose_name_plural = _("phiên bản quy trình")
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="procedure_version_number_unique"),
            models.UniqueConstraint(
                fields=["definition"],
                condition=models.Q(status="published"),
                name="one_published_version_per_definition",
            ),
        ]
        permissions = [
            ("design_procedure", _("Thiết kế, ban hành quy trình của đơn vị")),
            ("migrate_process", _("Chuyển hồ sơ đang xử lý sang phiên bản quy trình khác")),
        ]

    def __str__(self) -> str:
        return _("%(name)s — phiên bản %(number)s") % {"name": self.definition.name, "number": self.number}

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class MigrationRun(models.Model):
    """One admin's move of running processes to another version, processed in chunks by a Celery task.

    The page polls this row for progress; each process is moved in its own transaction,
    so a failure is recorded here (with its reason) and the others go on.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xử lý")
        RUNNING = "running", _("Đang chuyển")
        DONE = "done", _("Đã xong")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người thực hiện")
    )
    target = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="migration_runs", verbose_name=_("phiên bản đích")
    )
    reason = models.TextField(_("lý do"))
    orphan_choices = models.JSONField(_("xử lý nhiệm vụ ở bước bị bỏ"), default=dict, blank=True)
    process_ids = models.JSONField(_("các quy trình"), default=list)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    done = models.PositiveIntegerField(_("đã chuyển"), default=0)
    failed = models.PositiveIntegerField(_("không chuyển được"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)  # [{"process": id, "label": ..., "errors": [...]}]
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lượt chuyển phiên bản")
        verbose_name_plural = _("lượt chuyển phiên bản")

    def __str__(self) -> str:
        return _("Chuyển %(total)s hồ sơ sang %(target)s") % {"total": self.total, "target": self.target}

    @property
    def processed(self) -> int:
        return self.done + self.failed
