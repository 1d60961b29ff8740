"""An approval step is done like any other step, on its web page and through the API."""

import pytest

from recognition.models import ApprovalOpinion, ModelStage, MovementModel
from tests.recognition.audit_support import check
from tests.workflows import api_support
from tests.workflows.test_procedure_engine import FRONT, open_tasks, publish
from tests.workflows.views_support import open_task, task_url

pytestmark = pytest.mark.django_db


def test_the_approval_page_shows_the_steps_title_and_takes_an_opinion(client, world):
    publish(world, approval_steps=[FRONT])
    model = MovementModel.objects.get(pk=api_support.register(world)["id"])
    check(world, model, accept=True)
    task = open_task(model, "approve")
    client.force_login(world.chair)
    assert client.post(task_url(task, "assign")).status_code == 302

    page = client.get(task_url(task, "execute")).content.decode()
    assert "Thẩm định của Mặt trận — Hũ gạo tình thương" in page
    assert 'name="outcome"' in page and 'name="reason"' in page
    refused = client.post(task_url(task, "execute"), {"outcome": "reject", "reason": ""})
    assert refused.status_code == 200
    assert "Phải ghi rõ lý do khi trả lại hoặc không đồng ý." in refused.content.decode()
    response = client.post(task_url(task, "execute"), {"outcome": "approve", "reason": ""}, follow=True)

    assert "Đã hoàn thành “Thẩm định của Mặt trận” cho mô hình “Hũ gạo tình thương”." in response.content.decode()
    assert open_tasks(model) == [("survey", "Khảo sát thực tế")]


def test_the_api_lists_the_approval_task_under_its_title_and_completes_it(world):
    publish(world, approval_steps=[FRONT])
    model_id = api_support.register(world)["id"]
    check(world, MovementModel.objects.get(pk=model_id), accept=True)

    listed = api_support.find_task(
        api_support.api_for(world.chair), api_support.QUEUE, model_id=model_id, node="approve"
    )
    assert listed["title"] == "Thẩm định của Mặt trận"
    assert (
        api_support.find_task(
            api_support.api_for(world.standing_body), api_support.QUEUE, model_id=model_id, node="approve"
        )
        is None
    )  # the step's role is the chair's
    api_support.act(
        world.chair, model_id=model_id, node="approve", data={"outcome": "return", "reason": "Bổ sung ý kiến."}
    )

    opinion = ApprovalOpinion.objects.get()
    assert (opinion.outcome, opinion.reason, MovementModel.objects.get(pk=model_id).stage) == (
        "return",
        "Bổ sung ý kiến.",
        ModelStage.RETURNED,
    )
