"""Registration on a unit's behalf by its standing body or Front: scope checks, and the revision goes back to it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import STATUS

from recognition.models import AuditAction, AuditEvent, MovementModel
from recognition.services.registration import model_register, units_registrable_on_behalf
from tests.conftest import dossier_data
from tests.workflows.api_support import REGISTRATIONS, api_for
from workflows.demo import task_do
from workflows.flows import RecognitionFlow
from workflows.models import RecognitionTask

from .support import submit

pytestmark = pytest.mark.django_db


def _dossier(world, **overrides):
    from recognition.forms import DossierForm

    form = DossierForm(data=dossier_data(world, **overrides), user=world.submitter)
    assert form.is_valid(), form.errors
    return form.dossier_data()


def test_standing_body_registers_for_a_residential_area(world, behalf):
    model = submit(world, world.commune_standing_body, unit=behalf.residential)

    model.refresh_from_db()
    assert (model.unit, model.submitted_by, model.registered_on_behalf, model.registered_by_unit) == (
        behalf.residential,
        world.commune_standing_body,
        True,
        world.commune,
    )
    registered = AuditEvent.objects.get(movement_model=model, action=AuditAction.MODEL_REGISTERED)
    assert (registered.payload["unit"], registered.payload["on_behalf"], registered.payload["registered_by_unit"]) == (
        behalf.residential.pk,
        True,
        world.commune.pk,
    )
    assert model.process.registering_unit == behalf.residential


def test_own_registration_is_not_on_behalf(world, behalf):
    model = submit(world, world.submitter)
    assert (model.unit, model.registered_on_behalf, model.registered_by_unit) == (world.submitter_unit, False, None)
    payload = AuditEvent.objects.get(movement_model=model, action=AuditAction.MODEL_REGISTERED).payload
    assert "on_behalf" not in payload


def test_the_front_registers_for_a_unit_of_its_commune(world, behalf):
    model = submit(world, behalf.front_user, unit=behalf.residential)
    assert (model.unit, model.registered_by_unit, model.registered_on_behalf) == (
        behalf.residential,
        behalf.front,
        True,
    )


def test_units_offered_are_those_without_an_account_in_scope(world, behalf):
    assert list(units_registrable_on_behalf(user=world.commune_standing_body)) == [behalf.residential]
    assert list(units_registrable_on_behalf(user=behalf.front_user)) == [behalf.residential]
    # A unit submitter outside the Front has no such right.
    assert list(units_registrable_on_behalf(user=world.submitter)) == []


def test_unit_outside_the_scope_is_refused(world, behalf):
    with pytest.raises(ValidationError) as refused:
        model_register(
            submitted_by=world.commune_standing_body,
            campaign=world.campaign,
            data=_dossier(world),
            unit=behalf.other_residential,
        )
    assert refused.value.message_dict == {"unit": ["Đơn vị Ấp Nhơn Lộc không thuộc phạm vi đơn vị của bạn."]}
    assert MovementModel.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_unit_with_its_own_account_is_refused(world, behalf):
    with pytest.raises(ValidationError) as refused:
        model_register(
            submitted_by=world.commune_standing_body,
            campaign=world.campaign,
            data=_dossier(world),
            unit=world.submitter_unit,
        )
    assert refused.value.message_dict == {
        "unit": ["Đơn vị Hội LHPN phường Ninh Kiều đã có tài khoản: đơn vị tự đăng ký mô hình của mình."]
    }
    assert MovementModel.objects.count() == 0


def test_user_without_the_right_is_refused(world, behalf):
    with pytest.raises(PermissionDenied) as refused:
        model_register(
            submitted_by=world.submitter, campaign=world.campaign, data=_dossier(world), unit=behalf.residential
        )
    assert str(refused.value) == "Bạn không có quyền đăng ký thay cho đơn vị khác."
    with pytest.raises(PermissionDenied):
        # The standing body has no registering permission for its own unit.
        model_register(submitted_by=world.commune_standing_body, campaign=world.campaign, data=_dossier(world))
    assert MovementModel.objects.count() == 0


def test_returned_dossier_goes_back_to_the_person_who_registered_on_behalf(world, behalf):
    model = submit(world, world.commune_standing_body, unit=behalf.residential)
    task_do(
        movement_model=model,
        node_name="check_dossier",
        user=world.standing_body,
        data={"decision": "return", "reason": "Bổ sung biên bản họp dân."},
    )
    revise = RecognitionTask.objects.get(process=model.process, flow_task=RecognitionFlow.revise)
    assert (revise.unit_id, revise.owner, revise.status, revise.owner_permission) == (
        world.commune.pk,
        world.commune_standing_body,
        STATUS.ASSIGNED,
        "recognition.check_dossier",
    )
    data = {key: value for key, value in dossier_data(world).items() if key != "campaign"}
    task_do(
        movement_model=model,
        node_name="revise",
        user=world.commune_standing_body,
        data={**data, "outputs": "Sổ theo dõi, ảnh, biên bản họp dân."},
    )
    model.refresh_from_db()
    assert (model.stage, model.outputs) == ("registered", "Sổ theo dõi, ảnh, biên bản họp dân.")
    check_again = RecognitionTask.objects.filter(
        process=model.process, flow_task=RecognitionFlow.check_dossier, status=STATUS.NEW
    )
    assert check_again.count() == 1


def test_returned_own_dossier_still_goes_to_the_submitter(world, behalf):
    model = submit(world, world.submitter)
    task_do(
        movement_model=model,
        node_name="check_dossier",
        user=world.standing_body,
        data={"decision": "return", "reason": "Bổ sung."},
    )
    revise = RecognitionTask.objects.get(process=model.process, flow_task=RecognitionFlow.revise)
    assert (revise.unit_id, revise.owner, revise.owner_permission) == (
        world.submitter_unit.pk,
        world.submitter,
        "recognition.register_model",
    )


def test_page_registers_on_behalf_and_shows_it(client, world, behalf):
    client.force_login(world.commune_standing_body)
    page = client.get("/models/register/")
    assert page.status_code == 200
    assert page.context["form"].fields["unit"].queryset.get() == behalf.residential
    response = client.post("/models/register/", {**dossier_data(world), "unit": str(behalf.residential.pk)})
    model = MovementModel.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/models/{model.pk}/"
    detail = client.get(f"/models/{model.pk}/").content.decode()
    assert "Đảng ủy phường Ninh Kiều đăng ký thay đơn vị" in detail
    listing = client.get("/models/").content.decode()
    assert "(đăng ký thay)" in listing


def test_page_refuses_a_unit_outside_the_scope(client, world, behalf):
    client.force_login(world.commune_standing_body)
    response = client.post("/models/register/", {**dossier_data(world), "unit": str(behalf.other_residential.pk)})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert MovementModel.objects.count() == 0


def test_page_refuses_a_user_without_any_registering_right(client, world, behalf):
    client.force_login(world.survey_team)
    assert client.get("/models/register/").status_code == 403


def test_api_registers_on_behalf(world, behalf):
    response = api_for(world.commune_standing_body).post(
        REGISTRATIONS, {**dossier_data(world), "unit": behalf.residential.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["unit"], body["registered_on_behalf"], body["registered_by_unit"], body["nominated_from"]) == (
        {"id": behalf.residential.pk, "name": "Khu vực 3"},
        True,
        {"id": world.commune.pk, "name": "Đảng ủy phường Ninh Kiều"},
        None,
    )
    listed = api_for(world.commune_standing_body).get(REGISTRATIONS).json()["results"][0]
    assert (listed["registered_on_behalf"], listed["registered_by_unit"]["id"]) == (True, world.commune.pk)


def test_api_refuses_a_unit_outside_the_scope(world, behalf):
    response = api_for(world.commune_standing_body).post(
        REGISTRATIONS, {**dossier_data(world), "unit": behalf.other_residential.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["unit"]
    assert MovementModel.objects.count() == 0
