"""Audit records in plain Vietnamese: who, when, what, why, the values, the changes and the files.

`entries_describe` resolves every id mentioned in a page of records with one query
per kind (users, units, fields, criteria), so a timeline costs the same number of
queries whatever its length.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recognition.models import (
    AuditEvent,
    Campaign,
    Classification,
    Criterion,
    Field,
    ModelStage,
    MovementModel,
    ReplicationStatus,
    SurveyRecommendation,
    Unit,
    User,
)
from recognition.roles import Role

from .verification import describe_chain

NODE_LABELS = {
    "check_dossier": _("Kiểm tra hồ sơ"),
    "revise": _("Bổ sung hồ sơ"),
    "survey": _("Khảo sát thực tế"),
    "evaluate": _("Chấm điểm"),
    "recognise": _("Ký quyết định công nhận"),
    "replicate": _("Theo dõi nhân rộng"),
}

VALUE_LABELS = {
    "node": _("Bước"),
    "decision": _("Kết luận"),
    "reason": _("Lý do"),
    "visited_on": _("Ngày khảo sát"),
    "findings": _("Kết quả khảo sát"),
    "recommendation": _("Kiến nghị"),
    "comment": _("Nhận xét"),
    "decision_number": _("Số quyết định"),
    "signed_on": _("Ngày ký"),
    "summary": _("Trích yếu"),
    "adopting_units": _("Đơn vị áp dụng"),
    "adopting_unit": _("Đơn vị áp dụng"),
    "started_on": _("Ngày bắt đầu"),
    "status": _("Trạng thái"),
    "close_tracking": _("Kết thúc theo dõi"),
    "stage": _("Giai đoạn"),
    "final_score": _("Điểm tổng hợp"),
    "outcome_reason": _("Lý do kết quả"),
    "owner": _("Người xử lý"),
    "previous_owner": _("Người xử lý trước"),
    "unit": _("Đơn vị"),
    "campaign": _("Đợt đăng ký"),
    "permission": _("Quyền cần có"),
    "number": _("Số quyết định"),
    "classification": _("Xếp loại"),
    "score": _("Điểm"),
    "total": _("Tổng điểm"),
    "aggregation": _("Cách tổng hợp"),
    "pass_threshold": _("Ngưỡng công nhận"),
    "outstanding_threshold": _("Ngưỡng tiêu biểu"),
    "max_total": _("Tổng điểm tối đa"),
    "model": _("Đối tượng"),
    "object": _("Bản ghi"),
    "operation": _("Thao tác"),
}

CHOICE_LABELS = {
    "decision": {"accept": _("Hồ sơ hợp lệ, chuyển khảo sát"), "return": _("Trả lại đơn vị để bổ sung")},
    "recommendation": dict(SurveyRecommendation.choices),
    "status": dict(ReplicationStatus.choices),
    "stage": dict(ModelStage.choices),
    "classification": dict(Classification.choices),
    "kind": {"model": _("Mô hình"), "exemplar": _("Điển hình")},
    "collective_kind": {"collective": _("Tập thể"), "individual": _("Cá nhân")},
    "aggregation": {"mean": _("Bình quân"), "median": _("Trung vị")},
}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
USER_KEYS = {"owner", "previous_owner", "member"}
UNIT_KEYS = {"unit", "adopting_unit", "adopting_units"}
ROLE_LABELS = dict(Role.choices)


@dataclass
class Entry:
    event: AuditEvent
    when: Any
    actor: str
    actor_unit: str
    actor_roles: str
    on_behalf_of: str
    action: str
    reason: str
    values: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    chain: str = ""


class _Lookups:
    """Names of everything the records mention, fetched once per kind."""

    def __init__(self, events: list[AuditEvent]):
        user_ids, unit_ids, field_ids, criterion_codes, campaign_ids = set(), set(), set(), set(), set()
        for event in events:
            for key, value in _walk(event.payload):
                ids = value if isinstance(value, list) else [value]
                if key in USER_KEYS:
                    user_ids.update(v for v in ids if isinstance(v, int))
                elif key in UNIT_KEYS:
                    unit_ids.update(int(v) for v in ids if str(v).isdigit())
                elif key == "field":
                    field_ids.update(v for v in ids if isinstance(v, int))
                elif key == "campaign":
                    campaign_ids.update(v for v in ids if isinstance(v, int))
                elif key.startswith("criterion_"):
                    criterion_codes.add(key.removeprefix("criterion_"))
                elif key == "points" and isinstance(value, dict):
                    criterion_codes.update(value)
        self.users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
        self.units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
        self.fields = dict(Field.objects.filter(pk__in=field_ids).values_list("pk", "name")) if field_ids else {}
        self.campaigns = {c.pk: str(c) for c in Campaign.objects.filter(pk__in=campaign_ids)} if campaign_ids else {}
        self.criteria = (
            dict(Criterion.objects.filter(code__in=criterion_codes).values_list("code", "name"))
            if criterion_codes
            else {}
        )


def _walk(payload):
    if isinstance(payload, dict):
        for key, value in payload.items():
            yield key, value
            if isinstance(value, dict):
                if "before" in value and "after" in value:
                    yield key, value["before"]
                    yield key, value["after"]
                else:
                    yield from _walk(value)


def person(user: User | None) -> str:
    if user is None:
        return ""
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


def _actor_label(event: AuditEvent) -> str:
    if event.actor_id is not None:
        return person(event.actor)
    rule = event.actor_label.removeprefix("system:")
    return str(_("Hệ thống (quy tắc: %(rule)s)") % {"rule": rule})


def _label(key: str, lookups: _Lookups) -> str:
    if key.startswith("criterion_"):
        code = key.removeprefix("criterion_")
        return str(lookups.criteria.get(code, code))
    if key in VALUE_LABELS:
        return str(VALUE_LABELS[key])
    try:
        return str(MovementModel._meta.get_field(key).verbose_name)
    except Exception:  # noqa: BLE001 - an unknown key is shown as it is
        return key


def _value(key: str, value, lookups: _Lookups) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(key, item, lookups) for item in value) or "—"
    if isinstance(value, bool):
        return str(_("Có")) if value else str(_("Không"))
    if key in USER_KEYS and isinstance(value, int):
        return person(lookups.users.get(value)) or f"#{value}"
    if key in UNIT_KEYS and str(value).isdigit():
        return lookups.units.get(int(value), f"#{value}")
    if key == "field" and isinstance(value, int):
        return lookups.fields.get(value, f"#{value}")
    if key == "campaign" and isinstance(value, int):
        return lookups.campaigns.get(value, f"#{value}")
    if isinstance(value, str) and ISO_DATE.match(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    if key == "node":
        return str(NODE_LABELS.get(value, value))
    if key in CHOICE_LABELS and value in CHOICE_LABELS[key]:
        return str(CHOICE_LABELS[key][value])
    if isinstance(value, dict):
        return ", ".join(f"{_label(k, lookups)}: {_value(k, v, lookups)}" for k, v in value.items())
    return str(value)


def _roles(codes: str) -> str:
    return ", ".join(str(ROLE_LABELS.get(code, code)) for code in codes.split(",") if code)


def entries_describe(events: list[AuditEvent]) -> list[Entry]:
    """Readable entries. `events` should come with actor, on_behalf_of and actor_unit selected."""
    lookups = _Lookups(events)
    entries = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {"value": event.payload}
        values = []
        for key, value in payload.items():
            if key in ("values", "changes", "attachments", "documents", "dossier"):
                continue
            if key == "points" and isinstance(value, dict):
                values.extend((_label(f"criterion_{code}", lookups), str(points)) for code, points in value.items())
                continue
            values.append((_label(key, lookups), _value(key, value, lookups)))
        for group in ("values", "dossier"):
            for key, value in (payload.get(group) or {}).items():
                values.append((_label(key, lookups), _value(key, value, lookups)))
        changes = [
            (
                _label(key, lookups),
                _value(key, change.get("before"), lookups),
                _value(key, change.get("after"), lookups),
            )
            for key, change in (payload.get("changes") or {}).items()
            if isinstance(change, dict)
        ]
        files = [
            item
            for group in ("attachments", "documents")
            for item in (payload.get(group) or [])
            if isinstance(item, dict)
        ]
        entries.append(
            Entry(
                event=event,
                when=timezone.localtime(event.occurred_at),
                actor=_actor_label(event),
                actor_unit=event.actor_unit.name if event.actor_unit_id else "",
                actor_roles=_roles(event.actor_roles),
                on_behalf_of=person(event.on_behalf_of) if event.on_behalf_of_id else "",
                action=event.get_action_display(),
                reason=event.reason,
                values=values,
                changes=changes,
                files=files,
                chain=describe_chain(event.chain_key),
            )
        )
    return entries
