"""Coverage of a model's replication: adopting units over eligible units, per level.

"48/139 xã": of the 139 active commune-level units under the organising unit, 48 adopt
the model. Eligible units are the active units of the organising unit's subtree except
the organising unit itself (it runs the campaign) and the registering unit (a unit does
not adopt its own model). The rule is a pure function of unit rows
(`coverage_by_level`); `model_coverage` reads the rows for one model.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Level, MovementModel, Unit


@dataclass(frozen=True)
class UnitRow:
    pk: int
    path: str
    level_id: int


@dataclass(frozen=True)
class LevelCoverage:
    level_id: int
    level_name: str
    adopting: int
    eligible: int

    @property
    def percent(self) -> int:
        """Whole percent, rounded down (48 of 139 is 34 %)."""
        return self.adopting * 100 // self.eligible if self.eligible else 0

    @property
    def unit_word(self) -> str:
        """The level's name as a count reads it: "Cấp xã" → "xã"."""
        name = self.level_name.lower()
        return name.removeprefix("cấp ")

    @property
    def label(self) -> str:
        return f"{self.adopting}/{self.eligible} {self.unit_word}"


def coverage_by_level(
    *,
    organiser_path: str,
    organiser_id: int,
    registering_unit_id: int,
    units: Iterable[UnitRow],
    adopting_unit_ids: Iterable[int],
    levels: Iterable[Level],
) -> list[LevelCoverage]:
    """Per level (highest first), how many eligible units adopt the model; levels without eligible units left out.

    An adopting unit outside the eligible set (another province, the registering unit) is not counted.
    """
    adopting = set(adopting_unit_ids)
    eligible: dict[int, int] = {}
    adopted: dict[int, int] = {}
    for unit in units:
        if not unit.path.startswith(organiser_path) or unit.pk in (organiser_id, registering_unit_id):
            continue
        eligible[unit.level_id] = eligible.get(unit.level_id, 0) + 1
        if unit.pk in adopting:
            adopted[unit.level_id] = adopted.get(unit.level_id, 0) + 1
    return [
        LevelCoverage(level_id=level.pk, level_name=level.name, adopting=adopted.get(level.pk, 0), eligible=count)
        for level in sorted(levels, key=lambda level: level.rank)
        if (count := eligible.get(level.pk, 0))
    ]


def model_coverage(movement_model: MovementModel) -> list[LevelCoverage]:
    """The coverage of one model (three queries: the subtree's units, its adoptions, the levels)."""
    organiser = movement_model.campaign.organising_unit
    units = [
        UnitRow(pk=pk, path=path, level_id=level_id)
        for pk, path, level_id in Unit.objects.filter(path__startswith=organiser.path, is_active=True).values_list(
            "pk", "path", "level_id"
        )
    ]
    return coverage_by_level(
        organiser_path=organiser.path,
        organiser_id=organiser.pk,
        registering_unit_id=movement_model.unit_id,
        units=units,
        adopting_unit_ids=movement_model.replications.values_list("adopting_unit_id", flat=True),
        levels=Level.objects.all(),
    )
