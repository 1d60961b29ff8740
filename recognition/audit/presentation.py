"""Audit records in plain Vietnamese: who, when, what, why, the values, the changes and the files.

`entries_describe` resolves every id mentioned in a page of records with one query
per kind (users, units, fields, criteria), so a timeline costs the same number of
queries whatever its length.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from recognition.models import AuditEvent, Campaign, Criterion, Field, MovementModel, Unit, User
from recognition.roles import Role

from .labels import CHOICE_LABELS, NODE_LABELS, RECORD_ID_LABELS, VALUE_LABELS, rule_label
from .verification import describe_chain

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
USER_KEYS = {"owner", "previous_owner", "member"}
UNIT_KEYS = {"unit", "adopting_unit", "adopting_units", "supervising_unit"}
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
                elif key == "member_totals" and isinstance(value, dict):
                    user_ids.update(int(member) for member in value if str(member).isdigit())
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


def _is_change(value) -> bool:
    """A before/after map, as services write a changed value (replication status, dossier fields)."""
    return isinstance(value, dict) and set(value) == {"before", "after"}


def _named_model(label):
    """The model an admin record names ("recognition.campaign"), or None."""
    if isinstance(label, str) and label.count(".") == 1:
        try:
            return apps.get_model(label)
        except LookupError:
            return None
    return None


def _model_class(payload: dict):
    """The model whose fields a record describes: the admin's model for reference data, else MovementModel."""
    return _named_model(payload.get("model")) or MovementModel


def _label(key: str, lookups: _Lookups, value=None, model_class=MovementModel) -> str:
    if key.startswith("criterion_"):
        code = key.removeprefix("criterion_")
        return str(lookups.criteria.get(code, code))
    if key in RECORD_ID_LABELS and isinstance(value, int) and not isinstance(value, bool):
        return str(RECORD_ID_LABELS[key])
    if key in VALUE_LABELS:
        return str(VALUE_LABELS[key])
    try:
        return capfirst(str(model_class._meta.get_field(key).verbose_name))
    except Exception:  # noqa: BLE001 - an unknown key is shown as it is
        return key


def _value(key: str, value, lookups: _Lookups) -> str:
    """One payload value in words. Any JSON shape is accepted (lists, maps, before/after maps)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(key, item, lookups) for item in value) or "—"
    if _is_change(value):
        return f"{_value(key, value['before'], lookups)} → {_value(key, value['after'], lookups)}"
    if isinstance(value, dict):
        if key == "member_totals":
            return ", ".join(
                f"{_value('member', _as_id(m), lookups)}: {_value('total', t, lookups)}" for m, t in value.items()
            )
        return ", ".join(f"{_label(k, lookups, v)}: {_value(k, v, lookups)}" for k, v in value.items())
    if isinstance(value, bool):
        return str(_("Có")) if value else str(_("Không"))
    if key in RECORD_ID_LABELS and isinstance(value, int):
        return f"#{value}"
    if key in USER_KEYS and isinstance(value, int):
        return person(lookups.users.get(value)) or f"#{value}"
    if key in UNIT_KEYS and str(value).isdigit():
        return lookups.units.get(int(value), f"#{value}")
    if key == "field" and isinstance(value, int):
        return lookups.fields.get(value, f"#{value}")
    if key == "campaign" and isinstance(value, int):
        return lookups.campaigns.get(value, f"#{value}")
    if key == "model" and (named := _named_model(value)) is not None:
        return capfirst(str(named._meta.verbose_name))
    if isinstance(value, str) and ISO_DATE.match(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    if key == "node":
        return str(NODE_LABELS.get(value, value))
    if key == "rule" and isinstance(value, str):
        return rule_label(value)
    choices = CHOICE_LABELS.get(key, {})
    if value in choices:
        return str(choices[value])
    return str(value)


def _as_id(value):
    return int(value) if str(value).isdigit() else value


def _roles(codes: str) -> str:
    return ", ".join(str(ROLE_LABELS.get(code, code)) for code in codes.split(",") if code)


def entries_describe(events: list[AuditEvent]) -> list[Entry]:
    """Readable entries. `events` should come with actor, on_behalf_of and actor_unit selected.

    A top-level before/after map (the replication status) is shown as a change, like the
    fields of `changes`; every other value, whatever its shape, as one line.
    """
    lookups = _Lookups(events)
    entries = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {"value": event.payload}
        model_class = _model_class(payload)
        values, changes = [], []
        for key, value in payload.items():
            if key in ("values", "changes", "attachments", "documents", "dossier"):
                continue
            if key == "points" and isinstance(value, dict):
                values.extend((_label(f"criterion_{code}", lookups), str(points)) for code, points in value.items())
            elif _is_change(value):
                changes.append(_change(key, value, lookups, model_class))
            else:
                values.append((_label(key, lookups, value, model_class), _value(key, value, lookups)))
        for group in ("values", "dossier"):
            group_values = payload.get(group)
            for key, value in group_values.items() if isinstance(group_values, dict) else ():
                values.append((_label(key, lookups, value, model_class), _value(key, value, lookups)))
        group_changes = payload.get("changes")
        changes.extend(
            _change(key, change, lookups, model_class)
            for key, change in (group_changes.items() if isinstance(group_changes, dict) else ())
            if isinstance(change, dict)
        )
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


def _change(key: str, change: dict, lookups: _Lookups, model_class) -> tuple[str, str, str]:
    return (
        _label(key, lookups, model_class=model_class),
        _value(key, change.get("before"), lookups),
        _value(key, change.get("after"), lookups),
    )
