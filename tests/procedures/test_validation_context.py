"""The world the rules are checked against: who holds which role where, the council's size."""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from procedures.context import validation_context
from procedures.defaults import spec_from_settings
from procedures.models import ProcedureDefinition, ProcedureVersion
from procedures.parsing import spec_to_dict
from procedures.services import draft_create, national_version_ensure, version_publish
from procedures.validation import Problem, spec_problems
from recognition.roles import Role
from tests.factories import unit_create, user_with_role

pytestmark = pytest.mark.django_db


def stage_change(spec, name, **changes):
    return replace(spec, stages={**spec.stages, name: replace(spec.stages[name], **changes)})


def test_the_default_spec_has_no_problem_nationally(world):
    national = national_version_ensure()
    assert spec_problems(spec_from_settings(), validation_context(national.definition)) == []


def test_the_default_spec_has_no_problem_for_the_province(world):
    definition = ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh")
    context = validation_context(definition)
    assert (context.council_size, spec_problems(spec_from_settings(), context)) == (3, [])


def test_an_inactive_holder_does_not_staff_a_stage(world):
    world.survey_team.is_active = False
    world.survey_team.save()
    definition = ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh")
    assert spec_problems(spec_from_settings(), validation_context(definition)) == [
        Problem(
            "stages.survey.performer_role",
            "Không ai thực hiện được bước “Khảo sát thực tế”: trong phạm vi của quy trình không có người dùng "
            "đang hoạt động nào giữ vai trò “Tổ khảo sát” ở đơn vị tổ chức.",
        )
    ]


def test_a_level_is_staffed_only_inside_the_owners_scope(world):
    # The commune's standing body works in Ninh Kiều, outside Phong Điền's subtree.
    spec = stage_change(spec_from_settings(), "replicate", performer_unit="commune")
    province = ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh")
    other = ProcedureDefinition.objects.create(owner_unit=world.other_commune, name="Quy trình của xã")
    assert spec_problems(spec, validation_context(province)) == []
    assert [problem.where for problem in spec_problems(spec, validation_context(other))] == [
        "stages.check_dossier.performer_role",
        "stages.survey.performer_role",
        "stages.evaluate.performer_role",
        "stages.recognise.performer_role",
        "stages.replicate.performer_role",
    ]


def test_a_stage_performed_above_the_owner_is_staffed_by_the_ancestor(world):
    spec = stage_change(spec_from_settings(), "recognise", performer_unit="province")
    commune = ProcedureDefinition.objects.create(owner_unit=world.commune, name="Quy trình của phường")
    user_with_role(role=Role.SURVEY_TEAM, unit=world.commune)
    user_with_role(role=Role.CHAIR, unit=world.commune)
    for _index in range(3):
        user_with_role(role=Role.COUNCIL_MEMBER, unit=world.commune)
    assert spec_problems(spec, validation_context(commune)) == []


def test_the_council_is_the_smallest_named_council_of_the_owners_campaigns(world):
    world.campaign.council_members.set(world.council[:2])
    definition = ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh")
    spec = replace(spec_from_settings(), evaluation=replace(spec_from_settings().evaluation, quorum=3))
    assert spec_problems(spec, validation_context(definition)) == [
        Problem(
            "evaluation.quorum",
            "Số thành viên tối thiểu phải chấm (3) lớn hơn số thành viên hội đồng (2): hội đồng không bao giờ đủ "
            "số để kết luận.",
        )
    ]


def test_a_unit_with_no_campaign_counts_its_council_members(world):
    district = unit_create(name="Ban Dân vận", parent=world.province, level_code="commune")
    user_with_role(role=Role.COUNCIL_MEMBER, unit=district)
    definition = ProcedureDefinition.objects.create(owner_unit=district, name="Quy trình riêng")
    assert validation_context(definition).council_size == 1


def test_a_draft_with_a_problem_cannot_be_published(world):
    national = national_version_ensure()
    definition = ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh")
    draft = draft_create(definition=definition, author=world.admin, based_on=national)
    spec = replace(spec_from_settings(), evaluation=replace(spec_from_settings().evaluation, quorum=4))
    ProcedureVersion.objects.filter(pk=draft.pk).update(spec=spec_to_dict(spec))
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        version_publish(version=draft, actor=world.admin, reason="Tăng số người chấm.")
    assert error.value.message_dict == {
        "spec": [
            "Số thành viên tối thiểu phải chấm (4) lớn hơn số thành viên hội đồng (3): hội đồng không bao giờ đủ "
            "số để kết luận."
        ]
    }
    draft.refresh_from_db()
    assert draft.status == "draft"
