"""The demo's registration additions, through the real services: a registration on a residential
area's behalf, quotas on the demo campaign, and one model recognised by a commune and nominated
to the province.

The commune (Đảng ủy phường Cái Khế) gets its own campaign and the people who run it (a
standing body, a survey team, three council members, a chair); its model goes through the whole
procedure at commune level before its standing body nominates it upward.
"""

import random
from datetime import date

from django.utils import timezone

from recognition.models import Campaign, Field, Level, Unit, UnitKind, User
from recognition.roles import Role
from recognition.services.registration import campaign_quota_set

from .demo import DemoCast, _unit, _user, demo_dossier, task_do
from .services import nomination_submit, registration_submit

COMMUNE_NAME = "Đảng ủy phường Cái Khế"
RESIDENTIAL_AREA_WITHOUT_ACCOUNT = "Khu vực 3 phường Cái Khế"
ON_BEHALF_MODEL = ("Tổ liên gia tự quản đảm bảo an ninh trật tự", "quoc-phong-an-ninh")
NOMINATED_MODEL = ("Phụ nữ tiết kiệm góp vốn xoay vòng", "kinh-te")

# (kind, minimum, maximum): 1–3 per commune Party committee, at least one per mass organisation.
DEMO_QUOTAS = [
    (UnitKind.PARTY_COMMITTEE, 1, 3),
    (UnitKind.MASS_ORGANISATION, 1, None),
]

# username, full name, role: the people of the commune's steering committee.
COMMUNE_PEOPLE = [
    ("thuongtruc_caikhe", "Ngô Thị Hồng", Role.STANDING_BODY),
    ("khaosat_caikhe", "Trương Văn Phúc", Role.SURVEY_TEAM),
    ("hoidong_caikhe1", "Lý Thị Mai", Role.COUNCIL_MEMBER),
    ("hoidong_caikhe2", "Châu Văn Tài", Role.COUNCIL_MEMBER),
    ("hoidong_caikhe3", "Tạ Thị Ngọc", Role.COUNCIL_MEMBER),
    ("truongban_caikhe", "Phan Văn Đức", Role.CHAIR),
]
SUBMITTER = ("donvi_caikhe", "Đặng Thị Thu", "Hội Liên hiệp Phụ nữ phường Cái Khế")
CRITERIA = ("tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung")


def demo_registration_ensure(*, cast: DemoCast) -> bool:
    """Add the registration demo once (False when the commune's campaign already exists)."""
    commune = Unit.objects.get_children(cast.province).get(name=COMMUNE_NAME)
    year = cast.campaign.year
    if Campaign.objects.filter(organising_unit=commune, year=year).exists():
        return False
    people = {
        username: _user(username=username, full_name=full_name, role=role, unit=commune)
        for username, full_name, role in COMMUNE_PEOPLE
    }
    standing_body = people["thuongtruc_caikhe"]
    for kind, minimum, maximum in DEMO_QUOTAS:
        campaign_quota_set(
            campaign=cast.campaign, unit_kind=kind, minimum=minimum, maximum=maximum, set_by=cast.users["thuongtruc"]
        )

    rng = random.Random(2028)
    fields = {field.code: field for field in Field.objects.all()}
    residential = _unit(
        name=RESIDENTIAL_AREA_WITHOUT_ACCOUNT,
        level=Level.objects.get(code="commune"),
        kind=UnitKind.RESIDENTIAL_AREA,
        parent=commune,
    )
    standing_body = User.objects.select_related("unit").get(pk=standing_body.pk)
    # The ward's Women's Union registers the model the ward recognises and nominates.
    submitter = _user(
        username=SUBMITTER[0],
        full_name=SUBMITTER[1],
        role=Role.UNIT_SUBMITTER,
        unit=Unit.objects.get_children(commune).get(name=SUBMITTER[2]),
    )
    name, field_code = ON_BEHALF_MODEL
    registration_submit(
        submitted_by=standing_body,
        campaign=cast.campaign,
        data=demo_dossier(name, fields[field_code], rng),
        unit=residential,
    )

    commune_campaign = Campaign.objects.create(
        name=f"Đăng ký mô hình “Dân vận khéo” phường Cái Khế năm {year}",
        year=year,
        organising_unit=commune,
        registration_opens_on=date(year, 1, 1),
        registration_closes_on=date(year, 12, 31),
    )
    name, field_code = NOMINATED_MODEL
    recognised = registration_submit(
        submitted_by=submitter, campaign=commune_campaign, data=demo_dossier(name, fields[field_code], rng)
    )
    today = timezone.localdate().isoformat()
    task_do(movement_model=recognised, node_name="check_dossier", user=standing_body, data={"decision": "accept"})
    task_do(
        movement_model=recognised,
        node_name="survey",
        user=people["khaosat_caikhe"],
        data={
            "visited_on": today,
            "findings": "Tổ tiết kiệm duy trì đều, 42 hộ tham gia.",
            "recommendation": "recommend",
        },
    )
    for member in ("hoidong_caikhe1", "hoidong_caikhe2", "hoidong_caikhe3"):
        task_do(
            movement_model=recognised,
            node_name="evaluate",
            user=people[member],
            data={**{f"criterion_{code}": rng.randint(17, 20) for code in CRITERIA}, "comment": "Tiêu biểu."},
        )
    task_do(
        movement_model=recognised,
        node_name="recognise",
        user=people["truongban_caikhe"],
        data={"signed_on": today},
    )
    nomination_submit(movement_model=recognised, campaign=cast.campaign, nominated_by=standing_body)
    return True
