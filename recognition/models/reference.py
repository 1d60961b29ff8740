"""Reference data that admins maintain: fields (lĩnh vực) and the scoring rubric."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Field(models.Model):
    """A field of activity; the four standard ones are seeded, admins may add more."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One criterion of the rubric for collective models or individual exemplars."""

    class AppliesTo(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    applies_to = models.CharField(_("áp dụng cho"), max_length=20, choices=AppliesTo.choices)
    name = models.CharField(_("tiêu chí"), max_length=500)
    max_points = models.PositiveSmallIntegerField(
        _("điểm tối đa"), default=20, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["applies_to", "order"]
        verbose_name = _("tiêu chí chấm điểm")
        verbose_name_plural = _("tiêu chí chấm điểm")

    def __str__(self) -> str:
        return self.name
