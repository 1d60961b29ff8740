"""Demo data: a province with communes and units, one user per role, models at every stage.

Lifecycles are driven through the same services the web pages and the API call, so
the demo data is exactly what real use would produce (tasks, audit trail and all).
"""

import functools
import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_totp_device_ensure
from accounts.second_factor import second_factor_required
from recognition.models import (
    Campaign,
    Field,
    Level,
    ModelStage,
    MovementModel,
    Unit,
    UnitKind,
    User,
)
from recognition.roles import Role
from recognition.services.registration import dossier_snapshot

from .demo_decisions import demo_decisions_issue
from .flows import RecognitionFlow
from .models import RecognitionTask
from .services import registration_submit, task_claim, task_complete

DEMO_PASSWORD = "kheo-demo-2026"

PROVINCE_NAME = "Thành ủy Cần Thơ"
# Written as official documents write them (Decree 30/2020/NĐ-CP, appendix II): inside an
# organisation's name the kind of commune stays lower case and the proper name keeps its
# capitals, "Hội Liên hiệp Phụ nữ phường Ninh Kiều".
COMMUNES = [
    "phường Ninh Kiều",
    "phường Cái Khế",
    "phường Bình Thủy",
    "xã Phong Điền",
    "xã Thới Lai",
    "phường Cái Răng",
]
COMMUNE_UNITS = [
    ("Ủy ban nhân dân", UnitKind.GOVERNMENT),
    ("Ủy ban MTTQ Việt Nam", UnitKind.FATHERLAND_FRONT),
    ("Hội Liên hiệp Phụ nữ", UnitKind.MASS_ORGANISATION),
    ("Đoàn Thanh niên", UnitKind.MASS_ORGANISATION),
    ("Hội Nông dân", UnitKind.MASS_ORGANISATION),
    ("Hội Cựu chiến binh", UnitKind.MASS_ORGANISATION),
    ("Trường THCS", UnitKind.AGENCY),
    ("Công an", UnitKind.ARMED_FORCES),
    ("Khu vực 1", UnitKind.RESIDENTIAL_AREA),
    ("Khu vực 2", UnitKind.RESIDENTIAL_AREA),
]

MODEL_NAMES = [
    ("Vận động gia đình và hội viên phát triển kinh tế VACR", "kinh-te"),
    ("Giúp hộ gia đình thoát nghèo", "kinh-te"),
    ("CLB nông dân sản xuất, kinh doanh giỏi", "kinh-te"),
    ("Cánh đồng không vỏ thuốc bảo vệ thực vật", "kinh-te"),
    ("Trồng nấm linh chi", "kinh-te"),
    ("Phụ nữ tiết kiệm góp vốn xoay vòng", "kinh-te"),
    ("Nuôi cá lồng", "kinh-te"),
    ("Hũ gạo tình thương", "van-hoa-xa-hoi"),
    ("Tủ quần áo “Ai thừa ủng hộ, ai thiếu đến nhận”", "van-hoa-xa-hoi"),
    ("Vận động nhân dân hiến đất, tặng cây xây dựng nông thôn mới", "van-hoa-xa-hoi"),
    ("Thắp sáng đường quê", "van-hoa-xa-hoi"),
    ("Đoạn đường tự quản về môi trường và an toàn giao thông", "van-hoa-xa-hoi"),
    ("Học bổng 1.000 đồng", "van-hoa-xa-hoi"),
    ("Ngân hàng máu sống", "van-hoa-xa-hoi"),
    ("Tuyến đường cờ Tổ quốc", "van-hoa-xa-hoi"),
    ("Tổ liên gia tự quản đảm bảo an ninh trật tự", "quoc-phong-an-ninh"),
    ("Camera an ninh khu dân cư", "quoc-phong-an-ninh"),
    ("Tiếng kẻng an ninh", "quoc-phong-an-ninh"),
    ("Thôn không có tội phạm và tệ nạn xã hội", "quoc-phong-an-ninh"),
    ("Nhân dân tự quản đường biên, cột mốc", "quoc-phong-an-ninh"),
    ("Hòm thư góp ý 217 - 218", "xay-dung-he-thong-chinh-tri"),
    ("Tổ dân vận", "xay-dung-he-thong-chinh-tri"),
    ("“1+10”: mỗi đảng viên phụ trách các hộ gia đình", "xay-dung-he-thong-chinh-tri"),
    ("Đổi mới hình thức sinh hoạt chi bộ cơ sở", "xay-dung-he-thong-chinh-tri"),
]

# username, full name, role, where (province or the first commune's women's union)
DEMO_USERS = [
    ("donvi", "Nguyễn Thị Lan", Role.UNIT_SUBMITTER, "submitter_unit"),
    ("thuongtruc", "Trần Văn Minh", Role.STANDING_BODY, "province"),
    ("khaosat", "Lê Hoàng Nam", Role.SURVEY_TEAM, "province"),
    ("hoidong1", "Phạm Thu Hà", Role.COUNCIL_MEMBER, "province"),
    ("hoidong2", "Võ Quốc Bảo", Role.COUNCIL_MEMBER, "province"),
    ("hoidong3", "Đặng Minh Châu", Role.COUNCIL_MEMBER, "province"),
    ("truongban", "Huỳnh Thanh Sơn", Role.CHAIR, "province"),
    ("quantri", "Bùi Ngọc Anh", Role.ADMIN, "province"),
    ("kiemtra", "Đỗ Văn Hùng", Role.AUDITOR, "province"),
]

# How far each demo model gets, and how often (sums to 1).
STAGE_MIX = [
    (ModelStage.REGISTERED, 0.15),
    (ModelStage.RETURNED, 0.08),
    (ModelStage.SURVEY, 0.12),
    (ModelStage.EVALUATION, 0.12),
    (ModelStage.RECOGNITION, 0.10),
    (ModelStage.REPLICATION, 0.18),
    (ModelStage.CLOSED, 0.17),
    (ModelStage.REJECTED, 0.08),
    (ModelStage.REVOKED, 0.02),
]


@dataclass
class DemoCast:
    province: Unit
    submitter_unit: Unit
    campaign: Campaign
    users: dict[str, User]
    submitters: list[User]


def _unit(*, name: str, level: Level, kind: str, parent: Unit | None) -> Unit:
    siblings = Unit.objects.get_children(parent) if parent else Unit.objects.get_root_nodes()
    # Case-insensitive, so a demo database seeded before the names were written properly
    # ("Hội Nông dân phường ninh kiều") is corrected instead of getting a second unit.
    existing = siblings.filter(name__iexact=name).first()
    if existing:
        if existing.name != name:
            existing.name = name
            existing.save(update_fields=["name"])
        return existing
    if parent is None:
        return Unit.objects.add_root(dict(name=name, level=level, kind=kind))
    return Unit.objects.add_child(parent, dict(name=name, level=level, kind=kind))


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; the demo's users all share one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(*, username: str, full_name: str, role: str, unit: Unit) -> User:
    """`full_name` in Vietnamese order: the last word is the given name (Tên), the rest the Họ."""
    last_name, _, first_name = full_name.rpartition(" ")
    user = User.objects.filter(username=username).first()
    if (
        user is not None
        and user.get_full_name() != full_name
        and user.get_full_name().casefold() == full_name.casefold()
    ):
        # Seeded before unit names kept their capitals ("Cán bộ Công an phường bình thủy").
        user.last_name, user.first_name = last_name, first_name
        user.save(update_fields=["last_name", "first_name"])
    if user is None:
        user = User.objects.create(
            username=username,
            password=_demo_password_hash(),
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@demo.kheo.vn",
            unit=unit,
            is_staff=role == Role.ADMIN,
        )
        user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def demo_cast_ensure() -> DemoCast:
    """Create the unit tree, the campaign of the current year and the demo users (idempotent)."""
    province_level = Level.objects.get(code="province")
    commune_level = Level.objects.get(code="commune")
    province = _unit(name=PROVINCE_NAME, level=province_level, kind=UnitKind.PARTY_COMMITTEE, parent=None)
    submitter_units = []
    for commune_name in COMMUNES:
        commune = _unit(
            name=f"Đảng ủy {commune_name}", level=commune_level, kind=UnitKind.PARTY_COMMITTEE, parent=province
        )
        for unit_name, kind in COMMUNE_UNITS:
            submitter_units.append(
                _unit(name=f"{unit_name} {commune_name}", level=commune_level, kind=kind, parent=commune)
            )
    year = timezone.localdate().year
    campaign, _ = Campaign.objects.get_or_create(
        organising_unit=province,
        year=year,
        defaults={
            "name": f"Đăng ký mô hình “Dân vận khéo” năm {year}",
            "registration_opens_on": date(year, 1, 1),
            "registration_closes_on": date(year, 12, 31),
        },
    )
    submitter_unit = submitter_units[2]  # Hội LHPN phường Ninh Kiều
    places = {"province": province, "submitter_unit": submitter_unit}
    users = {
        username: _user(username=username, full_name=full_name, role=role, unit=places[where])
        for username, full_name, role, where in DEMO_USERS
    }
    # The demo admin and auditor need a second factor: enrolled with the published demo key.
    for user in users.values():
        if second_factor_required(user):
            demo_totp_device_ensure(user=user)
    # One submitter per registering unit so demo models come from across the province.
    submitters = [users["donvi"]]
    for index, unit in enumerate(submitter_units):
        if unit.pk == submitter_unit.pk:
            continue
        submitters.append(
            _user(username=f"donvi{index:02d}", full_name=f"Cán bộ {unit.name}", role=Role.UNIT_SUBMITTER, unit=unit)
        )
    return DemoCast(
        province=province, submitter_unit=submitter_unit, campaign=campaign, users=users, submitters=submitters
    )


def demo_dossier(name: str, field: Field, rng: random.Random) -> dict:
    return {
        "name": name,
        "field": field,
        "kind": "model",
        "collective_kind": "collective",
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0292 3821 000",
        "situation": f"Địa bàn còn nhiều khó khăn; mô hình “{name}” giúp vận động nhân dân cùng tham gia.",
        "objectives": "100% hộ trong khu vực được tuyên truyền; giảm 30% vụ việc phức tạp trong năm.",
        "content_and_method": "Họp dân, phân công đảng viên phụ trách hộ, sơ kết hằng quý.",
        "scope": "Toàn bộ hộ dân trên địa bàn.",
        "forces": "Chi bộ chủ trì; Mặt trận và các đoàn thể phối hợp.",
        "budget_vnd": rng.choice([0, 5_000_000, 20_000_000, 50_000_000]),
        "work_days": rng.randint(20, 400),
        "private_contribution_vnd": rng.choice([0, 10_000_000, 100_000_000]),
        "starts_on": date(timezone.localdate().year, 1, 15),
        "milestones": "Quý I: xây dựng kế hoạch; quý II–III: triển khai; quý IV: tự đánh giá.",
        "outputs": "Biên bản họp dân, danh sách hộ tham gia, ảnh hiện trường.",
        "sustainability": "Có quy chế hoạt động, kinh phí xã hội hóa duy trì.",
    }


# The share of dossiers returned once for more documents, then revised and accepted.
REVISED_SHARE = 0.2


def _open_task(movement_model: MovementModel, node_name: str, user: User | None = None) -> RecognitionTask:
    tasks = RecognitionTask.objects.filter(
        process__movement_model=movement_model,
        flow_task_type="HUMAN",
        finished__isnull=True,
    )
    tasks = [t for t in tasks if t.flow_task.name == node_name]
    if user is not None:
        tasks = [t for t in tasks if t.owner_id in (None, user.pk)]
    return tasks[0]


def task_do(*, movement_model: MovementModel, node_name: str, user: User, data: dict, files=None) -> None:
    """Claim the open task of `node_name` (if unclaimed) and complete it with `data` (and uploaded `files`)."""
    task = _open_task(movement_model, node_name, user)
    if task.owner_id is None:
        task_claim(task_id=task.pk, user=user)
    task_complete(task_id=task.pk, user=user, data=data, files=files)


def _check(*, cast: DemoCast, movement_model: MovementModel, rng: random.Random, until: str) -> None:
    """The standing body checks the dossier; some dossiers are returned once, revised and accepted."""
    users = cast.users
    returned = until == ModelStage.RETURNED or rng.random() < REVISED_SHARE
    if returned:
        task_do(
            movement_model=movement_model,
            node_name="check_dossier",
            user=users["thuongtruc"],
            data={"decision": "return", "reason": "Bổ sung biên bản họp dân và số liệu hộ tham gia."},
        )
        if until == ModelStage.RETURNED:
            return
        movement_model.refresh_from_db()
        submitter = movement_model.submitted_by
        task_do(
            movement_model=movement_model,
            node_name="revise",
            user=submitter,
            data={
                **{name: value for name, value in dossier_snapshot(movement_model).items() if value is not None},
                "outputs": f"{movement_model.outputs} Bổ sung biên bản họp dân.",
                "work_days": movement_model.work_days + 10,
            },
        )
    task_do(
        movement_model=movement_model, node_name="check_dossier", user=users["thuongtruc"], data={"decision": "accept"}
    )
    approval_steps_agree(cast=cast, movement_model=movement_model)


def approval_steps_agree(*, cast: DemoCast, movement_model: MovementModel) -> None:
    """The standing body agrees at each additional approval step the procedure puts after the check."""
    while RecognitionTask.objects.filter(
        process__movement_model=movement_model, flow_task=RecognitionFlow.approve, finished__isnull=True
    ).exists():
        task_do(
            movement_model=movement_model,
            node_name="approve",
            user=cast.users["thuongtruc"],
            data={"outcome": "approve", "reason": "Không có vướng mắc pháp lý."},
        )


def _replicate(*, cast: DemoCast, movement_model: MovementModel, rng: random.Random, close: bool) -> None:
    """Adopting units are recorded as planned; a closed model's adoptions move on before tracking ends."""
    adopters = Unit.objects.filter(path__startswith=cast.province.path, depth=3).exclude(pk=movement_model.unit_id)
    adopter_ids = [str(pk) for pk in adopters.order_by("?").values_list("pk", flat=True)[: rng.randint(1, 4)]]
    started_on = timezone.localdate().isoformat()
    rounds = [("planned", False)]
    if close:
        rounds += [("implementing", False), ("effective", True)]
    for status, closes in rounds:
        data = {"adopting_units": adopter_ids, "started_on": started_on, "status": status}
        if closes:
            data["close_tracking"] = "on"
        task_do(movement_model=movement_model, node_name="replicate", user=cast.users["thuongtruc"], data=data)


def lifecycle_drive(*, cast: DemoCast, movement_model: MovementModel, until: str, rng: random.Random) -> None:
    """Carry a registered model forward, through the services the pages call, until it reaches `until`.

    A model going past recognition stops there: one decision covers them all (demo_models_ensure).
    """
    users = cast.users
    if until == ModelStage.REGISTERED:
        return
    _check(cast=cast, movement_model=movement_model, rng=rng, until=until)
    if until in (ModelStage.RETURNED, ModelStage.SURVEY):
        return
    today = timezone.localdate()
    task_do(
        movement_model=movement_model,
        node_name="survey",
        user=users["khaosat"],
        data={
            "visited_on": today.isoformat(),
            "findings": "Mô hình hoạt động đều, nhân dân đồng tình.",
            "recommendation": "not_recommend" if until == ModelStage.REJECTED else "recommend",
        },
    )
    if until == ModelStage.EVALUATION:
        return
    low = until == ModelStage.REJECTED
    for member in ("hoidong1", "hoidong2", "hoidong3"):
        movement_model.refresh_from_db()
        points = {
            f"criterion_{c}": (rng.randint(8, 13) if low else rng.randint(14, 20))
            for c in (
                "tt-sang-tao",
                "tt-chap-hanh-phap-luat",
                "tt-huy-dong-luc-luong",
                "tt-hai-hoa-loi-ich",
                "tt-ben-vung",
            )
        }
        task_do(
            movement_model=movement_model,
            node_name="evaluate",
            user=users[member],
            data={**points, "comment": "Đạt yêu cầu."},
        )
    # Models going further wait for the decision the chair signs for all of them (demo_models_ensure).


def demo_models_ensure(*, cast: DemoCast, count: int, seed: int = 2026) -> int:
    """Register and drive demo models until the campaign has `count` of them. Returns how many were added."""
    rng = random.Random(seed)
    existing = MovementModel.objects.filter(campaign=cast.campaign).count()
    fields = {f.code: f for f in Field.objects.all()}
    stages = [stage for stage, _ in STAGE_MIX]
    weights = [weight for _, weight in STAGE_MIX]
    added = 0
    awaiting: list[tuple[MovementModel, str]] = []
    for index in range(existing, count):
        name, field_code = MODEL_NAMES[index % len(MODEL_NAMES)]
        submitter = cast.submitters[index % len(cast.submitters)]
        # The first models take every stage once, so even a small demo shows every page.
        until = stages[index] if index < len(stages) else rng.choices(stages, weights)[0]
        # The names cycle (24 real ones): in a large demo a unit gets the same name again, confirmed.
        movement_model = registration_submit(
            submitted_by=submitter,
            campaign=cast.campaign,
            data=demo_dossier(name, fields[field_code], rng),
            confirm_duplicate=True,
        )
        lifecycle_drive(cast=cast, movement_model=movement_model, until=until, rng=rng)
        if until in (ModelStage.REPLICATION, ModelStage.CLOSED, ModelStage.REVOKED):
            awaiting.append((movement_model, until))
        added += 1
    for movement_model, until in demo_decisions_issue(cast=cast, awaiting=awaiting):
        _replicate(cast=cast, movement_model=movement_model, rng=rng, close=until == ModelStage.CLOSED)
    return added
