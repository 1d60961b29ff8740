"""A unit's path never changes once given: the engine keeps copies of it (`scope_path`)."""

from recognition.models import Unit
from tests.factories.people import unit_create
from tests.recognition.audit_support import register
from workflows.models import RecognitionProcess, RecognitionTask


def test_a_new_unit_named_first_leaves_its_siblings_paths_alone(world):
    before = dict(Unit.objects.values_list("pk", "path"))
    # "An Bình" sorts before its siblings' names: a name-ordered insertion would renumber them.
    added = unit_create(name="An Bình", parent=world.commune)
    after = dict(Unit.objects.exclude(pk=added.pk).values_list("pk", "path"))
    assert after == before
    assert added.path.startswith(world.commune.path)
    assert added.path > max(path for path in before.values() if path.startswith(world.commune.path))


def test_a_process_still_points_at_its_unit_after_a_sibling_is_added(world, dossier):
    model = register(world, dossier)
    unit_create(name="An Bình", parent=world.commune)
    unit_create(name="Ban Dân vận", parent=world.province)
    world.submitter_unit.refresh_from_db()
    process = RecognitionProcess.objects.get(movement_model=model)
    assert process.scope_path == world.submitter_unit.path
    assert set(RecognitionTask.objects.filter(process=process).values_list("scope_path", flat=True)) == {
        world.submitter_unit.path
    }
