"""The council's pure rules and its admin: recusal by subtree, the close below the quorum, dissent."""

import pytest

from recognition.models import Campaign
from recognition.services.council import council_close_problem, dissenting_member_ids, member_is_recused
from tests.recognition.test_audit_admin import campaign_form


@pytest.mark.parametrize(
    ("member_path", "expected"),
    [
        ("000100010002", True),  # the registering unit itself
        ("0001000100020001", True),  # a unit below it
        ("00010001", False),  # the unit above it
        ("000100010003", False),  # a sibling
        ("0001000100030002", False),  # below a sibling
        (None, False),  # a member without a unit
    ],
)
def test_a_member_is_recused_from_the_registering_units_subtree_only(member_path, expected):
    assert member_is_recused(member_unit_path=member_path, registering_unit_path="000100010002") is expected


@pytest.mark.parametrize(
    ("quorum", "voted", "seats", "expected"),
    [
        (2, 1, 3, "Chưa đủ số phiếu tối thiểu: mới có 1/3 phiếu, cần ít nhất 2 phiếu."),
        (2, 2, 3, None),
        (3, 4, 5, None),
        (0, 2, 3, "Quy trình áp dụng yêu cầu tất cả thành viên chấm điểm: không kết thúc sớm được."),
    ],
)
def test_the_chair_may_close_from_the_quorum(quorum, voted, seats, expected):
    assert council_close_problem(quorum=quorum, voted=voted, seats=seats) == expected


def test_dissent_is_every_sheet_classified_otherwise_than_the_result():
    sheets = {7: "outstanding", 3: "recognised", 5: "rejected", 9: "recognised"}
    assert dissenting_member_ids(sheet_classes=sheets, result_classification="recognised") == [5, 7]
    assert dissenting_member_ids(sheet_classes=sheets, result_classification="outstanding") == [3, 5, 9]


@pytest.mark.django_db
def test_the_admin_names_the_chair_and_the_secretary(client, world):
    client.force_login(world.admin)
    response = client.post(
        f"/admin/recognition/campaign/{world.campaign.pk}/change/",
        {
            **campaign_form(world.campaign),
            "council_chair": world.council[0].pk,
            "council_secretary": world.standing_body.pk,
            "audit_reason": "Kiện toàn hội đồng.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.council_chair, campaign.council_secretary) == (world.council[0], world.standing_body)
