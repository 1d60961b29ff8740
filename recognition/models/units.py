"""The unit tree and the people who belong to it.

Levels are data: since 1 July 2025 there are provinces and communes, and historical
records still reference the district level, so a level is a row, never an enum.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Level(models.Model):
    code = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), help_text=_("1 là cấp cao nhất (tỉnh)."))
    is_historical = models.BooleanField(_("chỉ còn trong hồ sơ lịch sử"), default=False)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("cấp")
        verbose_name_plural = _("các cấp")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy Đảng")
    GOVERNMENT = "government", _("Chính quyền")
    FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc")
    MASS_ORGANISATION = "mass_organisation", _("Đoàn thể chính trị - xã hội")
    AGENCY = "agency", _("Cơ quan, trường học")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    RESIDENTIAL_AREA = "residential_area", _("Khu dân cư")


class Unit(MP_Node):
    """A node of the unit tree. `path` (materialised by treebeard) scopes every query."""

    name = models.CharField(_("tên đơn vị"), max_length=255)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, verbose_name=_("cấp"))
    kind = models.CharField(_("loại đơn vị"), max_length=32, choices=UnitKind.choices)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    # No `node_order_by`: a new unit is appended under its parent, so no unit's path ever
    # changes once given. The engine copies the registering unit's path onto its process
    # and tasks (`scope_path`); sorted insertion would renumber the siblings after the new
    # one and leave those copies pointing at another unit. Pages sort units by name.

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def contains(self, other: "Unit") -> bool:
        """True when `other` is this unit or one of its descendants."""
        return other.path.startswith(self.path)


class User(AbstractUser):
    """A person acting for exactly one unit; their roles are Django groups."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("đơn vị"),
    )
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        """The name in Vietnamese order, family name first: "Nguyễn Thị Lan".

        `last_name` (Họ) holds the family and middle names, `first_name` (Tên) the given
        name. Django's default joins them in Western order ("Lan Nguyễn Thị"); pages,
        e-mails, PDFs, the API and the admin all read names through this method (viewflow's
        and Django's own templates call it too) or through `display_name`.
        """
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)

    @property
    def display_name(self) -> str:
        """The full name, or the username of an account that has none."""
        return self.get_full_name() or self.get_username()


def full_name_expression(prefix: str = "") -> Concat:
    """`User.get_full_name()` as a database expression, for searching by the name as written.

    `prefix` is the path to the user from the queried model, e.g. "actor__".
    """
    return Concat(f"{prefix}last_name", Value(" "), f"{prefix}first_name", output_field=models.CharField())
