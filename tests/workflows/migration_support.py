"""Helpers for the migration tests: a second published version, processes at a chosen stage."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from procedures.services import draft_create, draft_update, version_publish
from tests.recognition.audit_support import check, register

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


def registered_on_monday(world, dossier, name="Hũ gạo tình thương"):
    """Registered on Monday 2 March 2026 at 10:00: the dossier check is due Monday 9 March."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        return register(world, dossier, name=name)


def at_survey(world, dossier, name="Hũ gạo tình thương"):
    model = registered_on_monday(world, dossier, name=name)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        check(world, model, accept=True)
    return model


def version_published(world, base, *, stages=None, reason="Áp dụng quy trình mới của tỉnh."):
    """A new version of `base`'s definition with `stages` {name: {key: value}} changed, published."""
    draft = draft_create(definition=base.definition, author=world.admin, based_on=base)
    spec = {**draft.spec, "stages": {name: dict(stage) for name, stage in draft.spec["stages"].items()}}
    for name, changes in (stages or {}).items():
        spec["stages"][name].update(changes)
    draft_update(version=draft, spec_data=spec, author=world.admin)
    return version_publish(version=draft, actor=world.admin, reason=reason)
