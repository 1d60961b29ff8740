"""Award proposals and recorded awards: exact rows, document, audit; refusals change nothing."""

import hashlib
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from recognition.models import (
    AuditEvent,
    Award,
    AwardKind,
    AwardProposal,
    AwardProposalItem,
    AwardProposalStatus,
    ModelStage,
)
from recognition.roles import Role
from recognition.services.awards import award_candidates, award_propose, award_record
from tests.factories import user_with_role
from tests.recognition.awards_support import recognised_fixture  # noqa: F401  (the `recognised` fixture)

pytestmark = pytest.mark.django_db

AUTHORITY = "Chủ tịch Ủy ban nhân dân thành phố Cần Thơ"


def _propose(world, models, **overrides):
    arguments = {
        "proposed_by": world.standing_body,
        "campaign": world.campaign,
        "award_kind": AwardKind.DIPLOMA_OF_MERIT,
        "authority": AUTHORITY,
        "movement_models": models,
    }
    return award_propose(**{**arguments, **overrides})


def _counts():
    return (
        AwardProposal.objects.count(),
        AwardProposalItem.objects.count(),
        Award.objects.count(),
        AuditEvent.objects.filter(action__in=["award_proposed", "award_recorded"]).count(),
    )


def test_candidates_are_the_campaigns_recognised_outstanding_models(world, recognised):
    assert recognised.lantern.stage == ModelStage.REPLICATION
    assert [model.name for model in award_candidates(campaign=world.campaign)] == [
        "Hũ gạo tình thương",
        "Thắp sáng đường quê",
    ]


def test_proposal_stores_items_numbered_pdf_and_audit(world, recognised):
    world.standing_body.first_name, world.standing_body.last_name = "Minh", "Trần Văn"
    world.standing_body.save()
    today = timezone.localdate()

    proposal = _propose(world, [recognised.lantern, recognised.rice_jar])

    proposal.refresh_from_db()
    assert (proposal.number, proposal.sequence_number, proposal.year, proposal.proposed_on) == (
        "01-TTr/BCĐ",
        1,
        today.year,
        today,
    )
    assert (proposal.award_kind, proposal.authority, proposal.status) == (
        "diploma_of_merit",
        AUTHORITY,
        AwardProposalStatus.PROPOSED,
    )
    assert proposal.proposing_unit == world.province
    assert [(item.movement_model.name, item.classification) for item in proposal.items.all()] == [
        ("Hũ gạo tình thương", "outstanding"),
        ("Thắp sáng đường quê", "outstanding"),
    ]
    content = proposal.pdf.read()
    assert proposal.pdf_sha256 == hashlib.sha256(content).hexdigest()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert "THÀNH ỦY CẦN THƠ BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” * Số 01-TTr/BCĐ" in text
    assert f"Cần Thơ, {_date_words(today)}" in text
    assert (
        f"về việc đề nghị tặng Bằng khen cho mô hình, điển hình “Dân vận khéo” tiêu biểu năm {world.campaign.year}"
    ) in text
    assert f"Kính gửi: {AUTHORITY}" in text
    assert "tặng Bằng khen cho 2 mô hình, điển hình tiêu biểu" in text
    assert "1 Hũ gạo tình thương Hội LHPN phường Ninh Kiều Văn hóa - xã hội Tập thể Tiêu biểu" in text
    assert "2 Thắp sáng đường quê Hội LHPN phường Ninh Kiều Văn hóa - xã hội Tập thể Tiêu biểu" in text
    assert text.endswith("T/M BAN CHỈ ĐẠO PHÓ TRƯỞNG BAN THƯỜNG TRỰC Trần Văn Minh")
    events = AuditEvent.objects.filter(action="award_proposed").order_by("movement_model__name")
    assert [(event.movement_model.name, event.actor_label, event.payload) for event in events] == [
        (
            name,
            "thuongtruc",
            {
                "award_proposal": proposal.pk,
                "proposal_number": "01-TTr/BCĐ",
                "award_kind": "diploma_of_merit",
                "authority": AUTHORITY,
                "pdf_sha256": proposal.pdf_sha256,
            },
        )
        for name in ("Hũ gạo tình thương", "Thắp sáng đường quê")
    ]


def _date_words(day: date) -> str:
    from recognition.documents.dates import date_line

    return date_line("X", day).split(", ", 1)[1]


def test_second_proposal_of_the_year_takes_the_next_number(world, recognised):
    _propose(world, [recognised.lantern])
    second = _propose(world, [recognised.rice_jar], award_kind=AwardKind.CERTIFICATE_OF_MERIT)
    assert (second.number, second.sequence_number) == ("02-TTr/BCĐ", 2)


def test_recording_the_decision_awards_the_granted_models_and_closes_the_proposal(world, recognised):
    proposal = _propose(world, [recognised.lantern, recognised.rice_jar])
    decided_on = timezone.localdate()

    awards = award_record(
        recorded_by=world.standing_body,
        proposal=proposal,
        number="125/QĐ-UBND",
        decided_on=decided_on,
        authority=AUTHORITY,
        kind=AwardKind.DIPLOMA_OF_MERIT,
        movement_models=[recognised.lantern],
    )

    proposal.refresh_from_db()
    assert proposal.status == AwardProposalStatus.DECIDED
    assert [(a.movement_model.name, a.number, a.decided_on, a.authority, a.kind) for a in awards] == [
        ("Thắp sáng đường quê", "125/QĐ-UBND", decided_on, AUTHORITY, "diploma_of_merit")
    ]
    assert list(recognised.rice_jar.awards.all()) == []
    [event] = AuditEvent.objects.filter(action="award_recorded")
    assert event.movement_model == recognised.lantern
    assert event.payload == {
        "award_proposal": proposal.pk,
        "proposal_number": "01-TTr/BCĐ",
        "award_number": "125/QĐ-UBND",
        "decided_on": decided_on.isoformat(),
        "authority": AUTHORITY,
        "award_kind": "diploma_of_merit",
        "pdf_sha256": proposal.pdf_sha256,
    }
    # Once decided, the models may be proposed again (for another award).
    assert [model.name for model in award_candidates(campaign=world.campaign)] == [
        "Hũ gạo tình thương",
        "Thắp sáng đường quê",
    ]


def test_record_without_a_selection_awards_every_proposed_model(world, recognised):
    proposal = _propose(world, [recognised.lantern, recognised.rice_jar])
    awards = award_record(
        recorded_by=world.standing_body,
        proposal=proposal,
        number="7/QĐ-UBND",
        decided_on=timezone.localdate(),
        authority=AUTHORITY,
        kind=AwardKind.CERTIFICATE_OF_MERIT,
    )
    assert sorted(award.movement_model.name for award in awards) == ["Hũ gạo tình thương", "Thắp sáng đường quê"]


@pytest.mark.parametrize(
    ("models", "field", "message"),
    [
        ("none", "movement_models", "Chọn ít nhất một mô hình, điển hình tiêu biểu để đề nghị."),
        (
            "flag_road",
            "movement_models",
            "“Tuyến đường cờ Tổ quốc” không phải mô hình, điển hình tiêu biểu đã được công nhận trong đợt này.",
        ),
        (
            "waiting",
            "movement_models",
            "“Ngân hàng máu sống” không phải mô hình, điển hình tiêu biểu đã được công nhận trong đợt này.",
        ),
    ],
)
def test_proposal_refuses_empty_and_ineligible_models(world, recognised, models, field, message):
    chosen = [] if models == "none" else [getattr(recognised, models), recognised.lantern]
    before = _counts()
    with pytest.raises(ValidationError) as raised:
        _propose(world, chosen)
    assert raised.value.message_dict == {field: [message]}
    assert _counts() == before


def test_a_model_waiting_in_a_proposal_cannot_be_proposed_again(world, recognised):
    _propose(world, [recognised.lantern])
    before = _counts()
    with pytest.raises(ValidationError) as raised:
        _propose(world, [recognised.lantern, recognised.rice_jar])
    assert raised.value.message_dict == {
        "movement_models": ["“Thắp sáng đường quê” đang chờ quyết định khen thưởng của một tờ trình khác."]
    }
    assert _counts() == before


def test_proposal_refuses_missing_authority_and_kind(world, recognised):
    before = _counts()
    with pytest.raises(ValidationError) as raised:
        _propose(world, [recognised.lantern], authority="  ", award_kind="medal")
    assert raised.value.message_dict == {
        "award_kind": ["Chọn hình thức khen thưởng: Giấy khen hoặc Bằng khen."],
        "authority": ["Ghi rõ cấp có thẩm quyền khen thưởng."],
    }
    assert _counts() == before


def test_only_the_campaigns_standing_body_may_propose(world, recognised):
    before = _counts()
    with pytest.raises(PermissionDenied):
        _propose(world, [recognised.lantern], proposed_by=world.commune_standing_body)
    with pytest.raises(PermissionDenied):
        _propose(world, [recognised.lantern], proposed_by=world.chair)
    assert _counts() == before


def test_award_decision_refuses_future_or_early_dates_and_a_second_recording(world, recognised):
    with time_machine.travel(timezone.now(), tick=False):
        proposal = _propose(world, [recognised.lantern])
        today = timezone.localdate()
        before = _counts()

        def record(**overrides):
            arguments = {
                "recorded_by": world.standing_body,
                "proposal": proposal,
                "number": "125/QĐ-UBND",
                "decided_on": today,
                "authority": AUTHORITY,
                "kind": AwardKind.DIPLOMA_OF_MERIT,
            }
            return award_record(**{**arguments, **overrides})

        with pytest.raises(ValidationError) as raised:
            record(decided_on=today + timedelta(days=1))
        assert raised.value.message_dict == {"decided_on": ["Ngày quyết định không được sau ngày hôm nay."]}
        with pytest.raises(ValidationError) as raised:
            record(decided_on=today - timedelta(days=1))
        assert raised.value.message_dict == {
            "decided_on": [f"Ngày quyết định không được trước ngày đề nghị ({today:%d/%m/%Y})."]
        }
        with pytest.raises(ValidationError) as raised:
            record(number=" ", authority="")
        assert raised.value.message_dict == {
            "number": ["Ghi số quyết định khen thưởng."],
            "authority": ["Ghi cấp đã quyết định khen thưởng."],
        }
        with pytest.raises(ValidationError) as raised:
            record(movement_models=[recognised.rice_jar])
        assert raised.value.message_dict == {
            "movement_models": ["Chọn các mô hình có trong tờ trình được khen thưởng."]
        }
        assert _counts() == before
        proposal.refresh_from_db()
        assert proposal.status == AwardProposalStatus.PROPOSED

        record()
        after_first = _counts()
        with pytest.raises(ValidationError) as raised:
            record()
        assert raised.value.messages == ["Tờ trình 01-TTr/BCĐ đã có quyết định khen thưởng."]
        assert _counts() == after_first


def test_another_units_standing_body_cannot_record(world, recognised):
    proposal = _propose(world, [recognised.lantern])
    outsider = user_with_role(role=Role.STANDING_BODY, unit=world.other_commune, username="thuongtruc_xa")
    with pytest.raises(PermissionDenied):
        award_record(
            recorded_by=outsider,
            proposal=proposal,
            number="1/QĐ-UBND",
            decided_on=timezone.localdate(),
            authority=AUTHORITY,
            kind=AwardKind.DIPLOMA_OF_MERIT,
        )
    assert Award.objects.count() == 0
