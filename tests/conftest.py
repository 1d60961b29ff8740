"""Fixtures: a province with two communes, one user per role, an open campaign."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from procedures.selectors import _published_spec
from recognition.models import Campaign, Field, UnitKind
from recognition.roles import Role
from tests.accounts.support import SecondFactorClient
from tests.audit_flush import audit_tables_flushable
from tests.factories import unit_create, user_with_role


def pytest_configure(config):
    audit_tables_flushable()


@pytest.fixture
def client():
    """Like pytest-django's, but force_login passes the second factor for admins and auditors."""
    return SecondFactorClient()


@pytest.fixture(autouse=True)
def _fresh_api_throttles():
    """API throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_pinned_specs():
    """Published specs are cached per worker by version id; ids are reused after each test's rollback."""
    _published_spec.cache_clear()
    yield
    _published_spec.cache_clear()


@dataclass
class World:
    province: object
    commune: object
    other_commune: object
    submitter_unit: object
    other_unit: object
    campaign: object
    submitter: object
    other_submitter: object
    standing_body: object
    survey_team: object
    council: list
    chair: object
    admin: object
    auditor: object
    commune_standing_body: object
    field: object


@pytest.fixture
def world(db) -> World:
    province = unit_create(name="Thành ủy Cần Thơ", level_code="province")
    commune = unit_create(name="Đảng ủy phường Ninh Kiều", parent=province)
    other_commune = unit_create(name="Đảng ủy xã Phong Điền", parent=province)
    submitter_unit = unit_create(name="Hội LHPN phường Ninh Kiều", parent=commune, kind=UnitKind.MASS_ORGANISATION)
    other_unit = unit_create(name="Hội Nông dân xã Phong Điền", parent=other_commune, kind=UnitKind.MASS_ORGANISATION)
    year = timezone.localdate().year
    campaign = Campaign.objects.create(
        name=f"Đợt {year}",
        year=year,
        organising_unit=province,
        registration_opens_on=date(year, 1, 1),
        registration_closes_on=date(year, 12, 31),
    )
    council = [user_with_role(role=Role.COUNCIL_MEMBER, unit=province, username=f"hoidong{i}") for i in (1, 2, 3)]
    return World(
        province=province,
        commune=commune,
        other_commune=other_commune,
        submitter_unit=submitter_unit,
        other_unit=other_unit,
        campaign=campaign,
        submitter=user_with_role(role=Role.UNIT_SUBMITTER, unit=submitter_unit, username="donvi"),
        other_submitter=user_with_role(role=Role.UNIT_SUBMITTER, unit=other_unit, username="donvi_khac"),
        standing_body=user_with_role(role=Role.STANDING_BODY, unit=province, username="thuongtruc"),
        survey_team=user_with_role(role=Role.SURVEY_TEAM, unit=province, username="khaosat"),
        council=council,
        chair=user_with_role(role=Role.CHAIR, unit=province, username="truongban"),
        admin=user_with_role(role=Role.ADMIN, unit=province, username="quantri", is_staff=True),
        auditor=user_with_role(role=Role.AUDITOR, unit=province, username="kiemtra"),
        commune_standing_body=user_with_role(role=Role.STANDING_BODY, unit=commune, username="thuongtruc_phuong"),
        field=Field.objects.get(code="van-hoa-xa-hoi"),
    )


def dossier_data(world: World, **overrides) -> dict:
    """Valid dossier form data (as posted by a browser)."""
    data = {
        "campaign": str(world.campaign.pk),
        "name": "Hũ gạo tình thương",
        "field": str(world.field.pk),
        "kind": "model",
        "collective_kind": "collective",
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0292 3821 000",
        "situation": "Nhiều hộ khó khăn.",
        "objectives": "Hỗ trợ 50 hộ.",
        "content_and_method": "Mỗi hội viên góp một nắm gạo mỗi tuần.",
        "scope": "Phường Ninh Kiều.",
        "forces": "Hội LHPN chủ trì.",
        "starts_on": "15/01/2026",
        "outputs": "Sổ theo dõi, ảnh.",
        "sustainability": "Duy trì bằng đóng góp tự nguyện.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def dossier(world):
    return dossier_data(world)
