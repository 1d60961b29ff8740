"""Recognised models for the award tests, driven through the flow's services."""

from dataclasses import dataclass

import pytest

from tests.recognition.audit_support import check, evaluate, recognise, register, survey


@dataclass
class Recognised:
    lantern: object  # tiêu biểu (95 points), Hội LHPN phường Ninh Kiều
    rice_jar: object  # tiêu biểu (95 points), Hội LHPN phường Ninh Kiều
    flag_road: object  # recognised only (80 points)
    waiting: object  # tiêu biểu by the council, no decision yet


def recognised_model(world, dossier, *, name: str, points: int, decided: bool = True):
    model = register(world, dossier, name=name)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, points)
    if decided:
        recognise(world, model, number="7-QĐ/BCĐ")
    model.refresh_from_db()
    return model


@pytest.fixture(name="recognised")
def recognised_fixture(world, dossier, settings, tmp_path) -> Recognised:
    settings.MEDIA_ROOT = str(tmp_path)
    return Recognised(
        lantern=recognised_model(world, dossier, name="Thắp sáng đường quê", points=19),
        rice_jar=recognised_model(world, dossier, name="Hũ gạo tình thương", points=19),
        flag_road=recognised_model(world, dossier, name="Tuyến đường cờ Tổ quốc", points=16),
        waiting=recognised_model(world, dossier, name="Ngân hàng máu sống", points=19, decided=False),
    )
