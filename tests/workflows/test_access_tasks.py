"""Who may see and act on a task in the browser: refusals change nothing and write no audit row."""

import pytest
from viewflow.workflow.status import STATUS

from recognition.models import AuditEvent, DossierReview, ModelStage, UnitKind
from recognition.roles import Role
from tests.conftest import dossier_data
from tests.factories import unit_create, user_with_role

from .views_support import claim_through_page, open_task, process_url, register_through_page, task_url


def task_state(task) -> tuple:
    task.refresh_from_db()
    return task.status, task.owner_id


@pytest.fixture
def registered(client, world, dossier):
    """A model of the Ninh Kiều women's union waiting for its dossier check."""
    model = register_through_page(client, user=world.submitter, data=dossier)
    client.logout()
    return model


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["index", "detail", "assign", "execute"])
def test_user_of_another_commune_gets_404_on_every_task_page(client, world, registered, action):
    task = open_task(registered, "check_dossier")
    audit_rows = AuditEvent.objects.count()
    client.force_login(world.other_submitter)

    assert client.get(task_url(task, action)).status_code == 404
    assert client.post(task_url(task, action), {"decision": "accept"}).status_code == 404

    assert task_state(task) == (STATUS.NEW, None)
    assert AuditEvent.objects.count() == audit_rows
    assert DossierReview.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["process_detail", "process_chart", "process_cancel"])
def test_user_of_another_commune_cannot_open_the_process(client, world, registered, url_name):
    client.force_login(world.other_submitter)
    from workflows.flows import RecognitionFlow

    assert client.get(RecognitionFlow.instance.reverse(url_name, args=[registered.process.pk])).status_code == 404
    assert client.get(f"/models/{registered.pk}/").status_code == 404


@pytest.mark.django_db
def test_admin_of_another_province_cannot_cancel_the_process(client, world, registered):
    other_province = unit_create(name="Tỉnh ủy Hậu Giang", level_code="province")
    other_admin = user_with_role(role=Role.ADMIN, unit=other_province, username="quantri_khac")
    client.force_login(other_admin)

    cancel_url = process_url(registered.process.pk) + "cancel/"
    assert client.post(cancel_url, {"_cancel_process": "1"}).status_code == 404

    registered.process.refresh_from_db()
    assert registered.process.status == "NEW"
    assert task_state(open_task(registered, "check_dossier")) == (STATUS.NEW, None)


@pytest.mark.django_db
def test_lists_of_another_commune_do_not_show_the_model(client, world, registered):
    client.force_login(world.other_submitter)
    for url in [
        "/recognition/",
        "/recognition/inbox/",
        "/recognition/queue/",
        "/recognition/archive/",
        "/recognition/flows/",
        "/recognition/tasks/",
        "/models/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert registered.name not in response.content.decode(), url


@pytest.mark.django_db
def test_task_of_another_process_cannot_be_reached_through_a_visible_process(client, world, registered):
    """viewflow loads the task by its pk alone; a visible process pk in the URL must not unlock it."""
    own_model = register_through_page(
        client, user=world.other_submitter, data=dossier_data(world, name="Tiếng kẻng an ninh")
    )
    foreign_task = open_task(registered, "check_dossier")
    client.force_login(world.other_submitter)

    url = f"/recognition/{own_model.process.pk}/check_dossier/{foreign_task.pk}/detail/"
    assert client.get(url).status_code == 404
    # The node in the URL must be the task's node too.
    own_task = open_task(own_model, "check_dossier")
    assert client.get(f"/recognition/{own_model.process.pk}/survey/{own_task.pk}/detail/").status_code == 404
    assert client.get(task_url(own_task, "detail")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("refused", ["survey_team", "council_member", "commune_standing_body", "submitter"])
def test_claim_refused_to_a_user_without_the_role_or_of_another_unit(client, world, registered, refused):
    """Same province but another role, or the right role in the wrong unit: 403 and nothing changes."""
    user = {
        "survey_team": world.survey_team,
        "council_member": world.council[0],
        "commune_standing_body": world.commune_standing_body,
        "submitter": world.submitter,
    }[refused]
    task = open_task(registered, "check_dossier")
    audit_rows = AuditEvent.objects.count()

    response = claim_through_page(client, user=user, task=task)

    assert response.status_code == 403
    assert task_state(task) == (STATUS.NEW, None)
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_claim_and_release_through_the_pages_are_audited(client, world, registered):
    task = open_task(registered, "check_dossier")

    response = claim_through_page(client, user=world.standing_body, task=task)

    assert response.status_code == 302
    assert task_state(task) == (STATUS.ASSIGNED, world.standing_body.pk)
    claimed = AuditEvent.objects.get(task_id=task.pk, action="task_claimed")
    assert (claimed.actor_id, claimed.process_id) == (world.standing_body.pk, registered.process.pk)
    inbox_row = f'<a href="{task_url(task, "index")}">#{registered.process.pk}/{task.pk}</a>'
    assert inbox_row in client.get("/recognition/inbox/").content.decode()

    response = client.post(task_url(task, "unassign"))

    assert response.status_code == 302
    assert task_state(task) == (STATUS.NEW, None)
    assert inbox_row not in client.get("/recognition/inbox/").content.decode()
    released = AuditEvent.objects.get(task_id=task.pk, action="task_released")
    assert released.actor_id == world.standing_body.pk
    assert released.payload["previous_owner"] == world.standing_body.pk


@pytest.mark.django_db
def test_another_member_cannot_release_or_execute_a_claimed_task(client, world, registered):
    colleague = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")
    task = open_task(registered, "check_dossier")
    claim_through_page(client, user=world.standing_body, task=task)
    audit_rows = AuditEvent.objects.count()
    client.force_login(colleague)

    assert client.post(task_url(task, "unassign")).status_code == 403
    assert client.post(task_url(task, "execute"), {"decision": "accept"}).status_code == 403
    assert client.post(task_url(task, "assign")).status_code == 403

    assert task_state(task) == (STATUS.ASSIGNED, world.standing_body.pk)
    assert AuditEvent.objects.count() == audit_rows
    registered.refresh_from_db()
    assert registered.stage == ModelStage.REGISTERED


@pytest.mark.django_db
def test_council_seat_cannot_be_scored_by_another_member(client, world, registered):
    from .views_support import do_task, scores, survey_data

    do_task(
        client,
        movement_model=registered,
        node_name="check_dossier",
        user=world.standing_body,
        data={"decision": "accept"},
    )
    do_task(client, movement_model=registered, node_name="survey", user=world.survey_team, data=survey_data())
    seat_of_first = open_task(registered, "evaluate", owner=world.council[0])
    audit_rows = AuditEvent.objects.count()
    client.force_login(world.council[1])

    response = client.post(task_url(seat_of_first, "execute"), scores(registered, 20))

    assert response.status_code == 403
    assert task_state(seat_of_first) == (STATUS.ASSIGNED, world.council[0].pk)
    assert registered.council_scores.count() == 0
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_bulk_claim_pages_are_not_exposed(client, world, registered):
    task = open_task(registered, "check_dossier")
    client.force_login(world.survey_team)

    assert client.post("/recognition/queue/assign/", {"pk": [task.pk]}).status_code == 404
    assert client.post("/recognition/inbox/unassign/", {"pk": [task.pk]}).status_code == 404
    assert task_state(task) == (STATUS.NEW, None)


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(client, registered):
    task = open_task(registered, "check_dossier")
    audit_rows = AuditEvent.objects.count()

    claim = client.post(task_url(task, "assign"))
    assert (claim.status_code, claim["Location"]) == (302, f"/accounts/login/?next={task_url(task, 'assign')}")
    detail = client.get(process_url(registered.process.pk))
    assert detail.status_code == 302 and detail["Location"].startswith("/accounts/login/")

    assert task_state(task) == (STATUS.NEW, None)
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_unit_kind_does_not_matter_for_scope(world):
    # Guard against a fixture change silently making the two communes share a subtree.
    assert world.other_unit.kind == UnitKind.MASS_ORGANISATION
    assert not world.other_unit.path.startswith(world.commune.path)
