"""Coverage of a model's replication: adopting units over eligible units, per level, exact figures."""

from datetime import date

from recognition.coverage import UnitRow, coverage_by_level, model_coverage
from recognition.models import Level, Replication
from tests.factories import unit_create


def _levels():
    return [Level(pk=1, code="province", name="Tỉnh", rank=1), Level(pk=3, code="commune", name="Cấp xã", rank=3)]


def _province_rows(communes: int) -> list[UnitRow]:
    """Province 0001 with `communes` communes 0001xxxx, and an out-of-tree province 0002 with one commune."""
    rows = [UnitRow(pk=1, path="0001", level_id=1)]
    rows += [UnitRow(pk=100 + n, path=f"0001{n:04d}", level_id=3) for n in range(1, communes + 1)]
    rows += [UnitRow(pk=2, path="0002", level_id=1), UnitRow(pk=9001, path="00020001", level_id=3)]
    return rows


def test_48_of_139_communes():
    # 140 communes: the registering one (101) is not eligible; 48 others adopt, plus the
    # registering unit itself and a commune of another province (neither counts).
    adopting = [100 + n for n in range(2, 50)] + [101, 9001]
    result = coverage_by_level(
        organiser_path="0001",
        organiser_id=1,
        registering_unit_id=101,
        units=_province_rows(140),
        adopting_unit_ids=adopting,
        levels=_levels(),
    )
    assert [(c.level_name, c.adopting, c.eligible, c.percent, c.label) for c in result] == [
        ("Cấp xã", 48, 139, 34, "48/139 xã")
    ]


def test_per_level_and_levels_without_eligible_units_left_out():
    levels = [*_levels(), Level(pk=2, code="district", name="Huyện", rank=2), Level(pk=4, code="x", name="Ấp", rank=4)]
    rows = [
        UnitRow(pk=1, path="0001", level_id=1),
        UnitRow(pk=10, path="00010001", level_id=2),
        UnitRow(pk=11, path="00010002", level_id=2),
        UnitRow(pk=20, path="000100010001", level_id=3),
        UnitRow(pk=21, path="000100010002", level_id=3),
        UnitRow(pk=22, path="000100020001", level_id=3),
    ]
    result = coverage_by_level(
        organiser_path="0001",
        organiser_id=1,
        registering_unit_id=20,
        units=rows,
        adopting_unit_ids=[11, 21, 22],
        levels=levels,
    )
    assert [(c.level_name, c.adopting, c.eligible) for c in result] == [("Huyện", 1, 2), ("Cấp xã", 2, 2)]
    assert [c.percent for c in result] == [50, 100]


def test_no_adoption_is_zero_of_eligible():
    result = coverage_by_level(
        organiser_path="0001",
        organiser_id=1,
        registering_unit_id=101,
        units=_province_rows(3),
        adopting_unit_ids=[],
        levels=_levels(),
    )
    assert [(c.adopting, c.eligible, c.percent) for c in result] == [(0, 2, 0)]


def test_model_coverage_reads_the_unit_tree(world, dossier):
    from tests.workflows.followups_support import recognised_model

    model = recognised_model(world, dossier)
    # The tree: province → 2 communes (each with a mass organisation) + 2 more communes, one inactive.
    unit_create(name="Đảng ủy xã Mỹ Khánh", parent=world.province)
    unit_create(name="Đảng ủy xã Nhơn Ái", parent=world.province).__class__.objects.filter(
        name="Đảng ủy xã Nhơn Ái"
    ).update(is_active=False)
    Replication.objects.create(
        source_model=model,
        adopting_unit=world.other_commune,
        started_on=date(2026, 3, 1),
        recorded_by=world.standing_body,
    )
    # Eligible at commune level: Ninh Kiều, Phong Điền, Mỹ Khánh (Nhơn Ái is inactive) and the
    # farmers' association of Phong Điền; not the province (the organiser) nor the registering unit.
    assert [c.label for c in model_coverage(model)] == ["1/4 xã"]
