"""The demo's council, made through the real services like the rest of the demo.

A commune (Đảng ủy phường Ninh Kiều) runs its own campaign under its own procedure
version, whose council closes at two sheets. Its council is named on the campaign (a
chair, a secretary, three members from the commune and one from the women's union,
who is recused from that union's models). Three models of the women's union show it:
one the chair closed at the quorum (recognised, one member dissenting), one waiting
for its second sheet, one ended by the standing body with a reason.
"""

import copy
import random
from datetime import date

from django.utils import timezone

from procedures.models import ProcedureDefinition
from procedures.services import definition_create, draft_update, version_publish
from recognition.models import Campaign, Field, Unit, User
from recognition.roles import Role
from recognition.services.council import campaign_council_set

from .council import case_end_request, council_close
from .demo import DemoCast, _user, demo_dossier, task_do
from .pinning import pinned_rubric
from .services import registration_submit

COMMUNE_USERS = [
    ("thuongtruc_nk", "Ngô Thị Mai", Role.STANDING_BODY),
    ("khaosat_nk", "Trương Văn Tài", Role.SURVEY_TEAM),
    ("truongban_nk", "Hồ Văn Lực", Role.CHAIR),
    ("hoidong_nk1", "Lâm Quốc Việt", Role.COUNCIL_MEMBER),
    ("hoidong_nk2", "Phan Thị Ngọc", Role.COUNCIL_MEMBER),
    ("hoidong_nk3", "Cao Minh Trí", Role.COUNCIL_MEMBER),
]
RECUSED_MEMBER = ("hoidong_hlhpn", "Tạ Thị Hồng", Role.COUNCIL_MEMBER)
MODELS = [
    ("Phụ nữ tiết kiệm góp vốn xoay vòng", "kinh-te"),
    ("Trồng nấm linh chi", "kinh-te"),
    ("Nuôi cá lồng", "kinh-te"),
]


def _score(movement_model, member, points: int, comment: str) -> None:
    task_do(
        movement_model=movement_model,
        node_name="evaluate",
        user=member,
        data={**{f"criterion_{c.code}": points for c in pinned_rubric(movement_model)}, "comment": comment},
    )


def demo_council_ensure(*, cast: DemoCast) -> bool:
    """Create the commune's campaign, council, procedure and three models once; False when already there."""
    # Read again: the cast was built before this demo's units and users were added.
    submitter_unit = Unit.objects.get(pk=cast.submitter_unit.pk)
    commune = Unit.objects.get_parent(submitter_unit)
    if ProcedureDefinition.objects.filter(owner_unit=commune).exists():
        return False
    admin = cast.users["quantri"]
    people = {
        username: _user(username=username, full_name=full_name, role=role, unit=commune)
        for username, full_name, role in COMMUNE_USERS
    }
    recused = _user(
        username=RECUSED_MEMBER[0], full_name=RECUSED_MEMBER[1], role=RECUSED_MEMBER[2], unit=submitter_unit
    )
    submitter = User.objects.select_related("unit").get(username="donvi")

    version = definition_create(unit=commune, author=admin)
    spec = copy.deepcopy(version.spec)
    spec["evaluation"]["quorum"] = 2
    draft_update(version=version, spec_data=spec, author=admin)
    version_publish(version=version, actor=admin, reason="Hội đồng phường kết thúc chấm điểm khi có 2 phiếu.")

    year = timezone.localdate().year
    campaign = Campaign.objects.create(
        name=f"Đăng ký mô hình “Dân vận khéo” phường Ninh Kiều năm {year}",
        year=year,
        organising_unit=commune,
        registration_opens_on=date(year, 1, 1),
        registration_closes_on=date(year, 12, 31),
    )
    chair = people["hoidong_nk1"]
    campaign_council_set(
        campaign=campaign,
        changed_by=people["thuongtruc_nk"],
        members=[people["hoidong_nk2"], people["hoidong_nk3"], recused],
        chair=chair,
        secretary=people["thuongtruc_nk"],
        reason="Quyết định thành lập hội đồng xét công nhận của Ban Chỉ đạo phường.",
    )

    rng = random.Random(2028)
    fields = {field.code: field for field in Field.objects.all()}
    closed, waiting, ended = (
        registration_submit(submitted_by=submitter, campaign=campaign, data=demo_dossier(name, fields[code], rng))
        for name, code in MODELS
    )
    for movement_model in (closed, waiting):
        task_do(
            movement_model=movement_model,
            node_name="check_dossier",
            user=people["thuongtruc_nk"],
            data={"decision": "accept"},
        )
        task_do(
            movement_model=movement_model,
            node_name="survey",
            user=people["khaosat_nk"],
            data={
                "visited_on": timezone.localdate().isoformat(),
                "findings": "Mô hình duy trì đều, có sổ sách theo dõi.",
                "recommendation": "recommend",
            },
        )
    _score(closed, chair, 19, "Cách làm sáng tạo, nên đề nghị tiêu biểu.")
    _score(closed, people["hoidong_nk2"], 15, "Đạt yêu cầu.")
    council_close(movement_model_id=closed.pk, user=chair)
    _score(waiting, people["hoidong_nk2"], 16, "Đạt yêu cầu.")
    case_end_request(
        movement_model_id=ended.pk,
        user=people["thuongtruc_nk"],
        reason="Trùng với mô hình Hội Nông dân phường đã đăng ký cùng địa bàn.",
    )
    return True
