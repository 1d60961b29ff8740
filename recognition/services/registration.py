"""Registering a model (for one's own unit, on a unit's behalf), its quotas and duplicate warning,
and revising its dossier."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import (
    AuditAction,
    Campaign,
    CampaignQuota,
    ModelStage,
    MovementModel,
    Unit,
    UnitKind,
    User,
)
from recognition.names import name_similarity, names_are_close
from recognition.stage_machine import transition_check

from .attachments import attachments_payload, attachments_store
from .audit import audit_record
from .stage import stage_move

# The dossier fields a unit fills in and may revise when the dossier is returned.
DOSSIER_FIELDS = [
    "name",
    "field",
    "kind",
    "collective_kind",
    "contact_name",
    "contact_phone",
    "situation",
    "objectives",
    "content_and_method",
    "scope",
    "forces",
    "budget_vnd",
    "work_days",
    "private_contribution_vnd",
    "starts_on",
    "milestones",
    "self_evaluation_on",
    "outputs",
    "sustainability",
]


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dossier_data_of(movement_model: MovementModel) -> dict:
    """The model's dossier as the registration service takes it (values, the field as its row)."""
    return {name: getattr(movement_model, name) for name in DOSSIER_FIELDS}


def dossier_snapshot(movement_model: MovementModel) -> dict:
    return {
        name: _jsonable(getattr(movement_model, "field_id" if name == "field" else name)) for name in DOSSIER_FIELDS
    }


class DuplicateNameWarning(ValidationError):
    """The name is very close to a model the unit already registered in the campaign.

    `similar` lists those models with their similarity; the registration goes through
    only when the person confirms it is not a duplicate.
    """

    def __init__(self, *, similar: list[tuple[MovementModel, float]]):
        self.similar = similar
        names = "; ".join(f"“{model.name}” (#{model.pk})" for model, _score in similar)
        super().__init__(
            {
                "confirm_duplicate": _(
                    "Tên mô hình rất gần với mô hình đơn vị đã đăng ký trong đợt này: %(names)s. "
                    "Nếu đây không phải mô hình trùng, hãy xác nhận để gửi đăng ký."
                )
                % {"names": names}
            },
            code="duplicate",
        )


# --- Who may register on a unit's behalf -------------------------------------------------


def on_behalf_permission(body: Unit) -> str:
    """The permission by which a person of `body` registers for units without an account.

    The Front (Mặt trận Tổ quốc) registers with the registering permission its members
    hold; any other body acts as standing body, with the dossier-checking permission.
    A returned dossier of such a registration is revised under the same permission.
    """
    if body.kind == UnitKind.FATHERLAND_FRONT:
        return "recognition.register_model"
    return "recognition.check_dossier"


def on_behalf_scope(body: Unit) -> Unit:
    """The subtree a body registers for: its own, or for a commune's Front, the commune's.

    The Front sits beside the residential areas under the commune, not above them.
    """
    if body.kind == UnitKind.FATHERLAND_FRONT and body.depth > 1:
        return Unit.objects.get(path=body.path[: -Unit.steplen])
    return body


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit`, the root first (read by path, one query)."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


def _units_with_accounts() -> QuerySet:
    return User.objects.filter(is_active=True, unit__isnull=False).values("unit_id")


def units_registrable_on_behalf(*, user: User) -> QuerySet[Unit]:
    """Units without an account in the user's registering scope, for which the user may register.

    Empty for a user without the right (see `on_behalf_permission`).
    """
    if user.unit_id is None or not user.has_perm(on_behalf_permission(user.unit)):
        return Unit.objects.none()
    scope = on_behalf_scope(user.unit)
    return (
        Unit.objects.filter(path__startswith=scope.path, is_active=True)
        .exclude(pk=user.unit_id)
        .exclude(pk=scope.pk)
        .exclude(pk__in=_units_with_accounts())
        .order_by("path")
    )


def units_registrable_by(*, user: User) -> QuerySet[Unit]:
    """The user's own unit (with the registering permission) and the units registrable on its behalf."""
    on_behalf = units_registrable_on_behalf(user=user)
    if user.unit_id is not None and user.has_perm("recognition.register_model"):
        return (on_behalf | Unit.objects.filter(pk=user.unit_id)).order_by("path")
    return on_behalf


def may_register(user: User) -> bool:
    """Whether the user may register at all: for their own unit, or on some unit's behalf."""
    if user.unit_id is None:
        return False
    return user.has_perm("recognition.register_model") or user.has_perm(on_behalf_permission(user.unit))


def registration_unit_check(*, submitted_by: User, unit: Unit | None) -> tuple[Unit, bool]:
    """The registering unit and whether the registration is on its behalf.

    Raises PermissionDenied when the user may register neither for their own unit nor
    for `unit`, ValidationError (on `unit`) when `unit` is outside the user's scope or
    has its own account.
    """
    if submitted_by.unit_id is None:
        raise PermissionDenied(_("Bạn không có quyền đăng ký mô hình cho đơn vị."))
    if unit is None or unit.pk == submitted_by.unit_id:
        if not submitted_by.has_perm("recognition.register_model"):
            raise PermissionDenied(_("Bạn không có quyền đăng ký mô hình cho đơn vị."))
        return submitted_by.unit, False
    body = submitted_by.unit
    if not submitted_by.has_perm(on_behalf_permission(body)):
        raise PermissionDenied(_("Bạn không có quyền đăng ký thay cho đơn vị khác."))
    scope = on_behalf_scope(body)
    if not scope.contains(unit) or unit.pk == scope.pk:
        raise ValidationError({"unit": _("Đơn vị %(unit)s không thuộc phạm vi đơn vị của bạn.") % {"unit": unit}})
    if User.objects.filter(unit=unit, is_active=True).exists():
        raise ValidationError(
            {"unit": _("Đơn vị %(unit)s đã có tài khoản: đơn vị tự đăng ký mô hình của mình.") % {"unit": unit}}
        )
    return unit, True


# --- Quotas ---------------------------------------------------------------------------------


def quota_for(*, campaign: Campaign, unit: Unit) -> CampaignQuota | None:
    return CampaignQuota.objects.filter(campaign=campaign, unit_kind=unit.kind).first()


def quota_check(*, campaign: Campaign, unit: Unit) -> None:
    """Refuse one more model when the unit has registered its kind's maximum in the campaign.

    Precondition: the caller holds the unit's row lock (see `model_register`), so two
    registrations at once cannot both take the last place. Every model counts, whatever
    its stage: the quota limits what a unit registers, not what is recognised.
    """
    quota = quota_for(campaign=campaign, unit=unit)
    if quota is None or quota.maximum is None:
        return
    registered = MovementModel.objects.filter(campaign=campaign, unit=unit).count()
    if registered >= quota.maximum:
        raise ValidationError(
            {
                "unit": _("Đơn vị %(unit)s đã đăng ký %(count)s/%(maximum)s mô hình trong đợt này.")
                % {"unit": unit, "count": registered, "maximum": quota.maximum}
            },
            code="quota_exceeded",
        )


def quota_shortfalls(*, campaign: Campaign) -> list[dict]:
    """Active units of the campaign's subtree that registered fewer models than their kind's minimum.

    Each item: unit, quota, registered (count), missing. Ordered by the unit tree.
    """
    minimums = {quota.unit_kind: quota for quota in campaign.quotas.filter(minimum__gt=0)}
    if not minimums:
        return []
    units = (
        Unit.objects.filter(path__startswith=campaign.organising_unit.path, is_active=True, kind__in=list(minimums))
        .exclude(pk=campaign.organising_unit_id)
        .annotate(registered=Count("models", filter=Q(models__campaign=campaign)))
        .order_by("path")
    )
    return [
        {
            "unit": unit,
            "quota": minimums[unit.kind],
            "registered": unit.registered,
            "missing": minimums[unit.kind].minimum - unit.registered,
        }
        for unit in units
        if unit.registered < minimums[unit.kind].minimum
    ]


# --- Duplicate warning -------------------------------------------------------------------------


def similar_models(*, campaign: Campaign, unit: Unit, name: str) -> list[tuple[MovementModel, float]]:
    """The unit's models in the campaign whose name is very close to `name`, closest first."""
    found = [
        (model, name_similarity(name, model.name))
        for model in MovementModel.objects.filter(campaign=campaign, unit=unit).only("pk", "name")
        if names_are_close(name, model.name)
    ]
    return sorted(found, key=lambda item: (-item[1], item[0].pk))


# --- Registration ------------------------------------------------------------------------------


def _campaign_open_check(campaign: Campaign) -> None:
    today = timezone.localdate()
    if not campaign.is_open_on(today):
        raise ValidationError(
            {
                "campaign": _("Đợt đăng ký “%(campaign)s” không mở vào ngày %(day)s (từ %(opens)s đến %(closes)s).")
                % {
                    "campaign": campaign,
                    "day": today.strftime("%d/%m/%Y"),
                    "opens": campaign.registration_opens_on.strftime("%d/%m/%Y"),
                    "closes": campaign.registration_closes_on.strftime("%d/%m/%Y"),
                }
            }
        )


def model_register(
    *,
    submitted_by: User,
    campaign: Campaign,
    data: dict,
    files=(),
    unit: Unit | None = None,
    confirm_duplicate: bool = False,
    nominated_from: MovementModel | None = None,
    registered_by_unit: Unit | None = None,
) -> MovementModel:
    """Create a model in the REGISTERED stage, for the submitter's unit or on `unit`'s behalf.

    `data` holds cleaned dossier fields (see DOSSIER_FIELDS). Raises PermissionDenied
    when the user may not register for the unit; ValidationError when the campaign is
    closed or does not cover the unit, or the unit's quota is full; DuplicateNameWarning
    when the name is very close to one of the unit's models in the campaign and
    `confirm_duplicate` is false.

    `nominated_from` and `registered_by_unit` are for `model_nominate`, which has checked
    its own rights: the nominated model is registered for the lower model's unit by the
    nominating body (who then answers a returned dossier).
    """
    if nominated_from is None:
        unit, on_behalf = registration_unit_check(submitted_by=submitted_by, unit=unit)
        registered_by_unit = submitted_by.unit if on_behalf else None
    else:
        on_behalf = registered_by_unit is not None and registered_by_unit.pk != unit.pk
    _campaign_open_check(campaign)
    if not campaign.organising_unit.contains(unit):
        raise ValidationError(
            {"campaign": _("Đơn vị %(unit)s không thuộc phạm vi của đợt đăng ký này.") % {"unit": unit}}
        )
    unknown = set(data) - set(DOSSIER_FIELDS)
    if unknown:
        raise ValueError(f"unknown dossier fields: {sorted(unknown)}")

    with transaction.atomic():
        # The unit's row lock serialises its registrations: the quota count and the duplicate
        # check read what every earlier registration of the unit wrote.
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        quota_check(campaign=campaign, unit=unit)
        similar = [] if nominated_from is not None else similar_models(campaign=campaign, unit=unit, name=data["name"])
        if similar and not confirm_duplicate:
            raise DuplicateNameWarning(similar=similar)
        movement_model = MovementModel(
            campaign=campaign,
            unit=unit,
            submitted_by=submitted_by,
            registered_on_behalf=on_behalf,
            registered_by_unit=registered_by_unit if on_behalf else None,
            nominated_from=nominated_from,
            **data,
        )
        movement_model.full_clean()
        movement_model.save()
        stored = attachments_store(
            movement_model=movement_model, stage=ModelStage.REGISTERED, files=files, uploaded_by=submitted_by
        )
        payload = {
            "campaign": campaign.pk,
            "unit": unit.pk,
            "dossier": dossier_snapshot(movement_model),
            "attachments": attachments_payload(stored),
        }
        if on_behalf:
            payload["on_behalf"] = True
            payload["registered_by_unit"] = registered_by_unit.pk
        if nominated_from is not None:
            payload["nominated_from"] = nominated_from.pk
        if similar:
            payload["duplicates_confirmed"] = [model.pk for model, _score in similar]
        audit_record(
            action=AuditAction.MODEL_REGISTERED,
            actor=submitted_by,
            movement_model=movement_model,
            payload=payload,
        )
    return movement_model


def model_revise(*, movement_model: MovementModel, revised_by: User, data: dict, files=()) -> MovementModel:
    """Apply the unit's corrections to a returned dossier and send it back for checking.

    Precondition: the model is in the RETURNED stage (the flow guarantees it; the
    transition table refuses the move otherwise).
    """
    transition_check(movement_model.stage, "revise")
    unknown = set(data) - set(DOSSIER_FIELDS)
    if unknown:
        raise ValueError(f"unknown dossier fields: {sorted(unknown)}")

    with transaction.atomic():
        # From the database: a ModelForm bound to this instance has already copied the new values onto it.
        before = dossier_snapshot(MovementModel.objects.get(pk=movement_model.pk))
        for name, value in data.items():
            setattr(movement_model, name, value)
        movement_model.full_clean()
        after = dossier_snapshot(movement_model)
        stored = attachments_store(
            movement_model=movement_model, stage=ModelStage.RETURNED, files=files, uploaded_by=revised_by
        )
        changes = {
            name: {"before": before[name], "after": after[name]}
            for name in DOSSIER_FIELDS
            if before[name] != after[name]
        }
        stage_move(
            movement_model=movement_model,
            transition="revise",
            action=AuditAction.DOSSIER_EDITED,
            actor=revised_by,
            payload={"changes": changes, "attachments": attachments_payload(stored)},
            extra_update_fields=data.keys(),
        )
    return movement_model


# --- Editing quotas ----------------------------------------------------------------------------


def may_edit_quotas(*, user: User, campaign: Campaign) -> bool:
    """The standing body of the campaign's organising unit (or a superuser)."""
    if user.is_superuser:
        return True
    return user.unit_id == campaign.organising_unit_id and user.has_perm("recognition.check_dossier")


def campaign_quota_set(
    *, campaign: Campaign, unit_kind: str, minimum: int, maximum: int | None, set_by: User
) -> CampaignQuota:
    """Create or change the quota of one unit kind in a campaign, with its audit record.

    Raises PermissionDenied for anyone but the campaign's standing body, ValidationError
    for a maximum below the minimum. Models already registered above a lowered maximum
    stay registered: the maximum refuses only new registrations.
    """
    if not may_edit_quotas(user=set_by, campaign=campaign):
        raise PermissionDenied(_("Chỉ cơ quan thường trực của đơn vị tổ chức đợt mới được sửa chỉ tiêu."))
    with transaction.atomic():
        quota = CampaignQuota.objects.select_for_update().filter(campaign=campaign, unit_kind=unit_kind).first()
        before = {"minimum": quota.minimum, "maximum": quota.maximum} if quota else {}
        quota = quota or CampaignQuota(campaign=campaign, unit_kind=unit_kind)
        quota.minimum, quota.maximum = minimum, maximum
        quota.full_clean()
        quota.save()
        after = {"minimum": quota.minimum, "maximum": quota.maximum}
        if before != after:
            audit_record(
                action=AuditAction.REFERENCE_CHANGED if before else AuditAction.REFERENCE_ADDED,
                actor=set_by,
                payload={
                    "model": quota._meta.label_lower,
                    "object": quota.pk,
                    "object_repr": f"{campaign}: {quota}"[:200],
                    "operation": "change" if before else "add",
                    "changes": {
                        name: {"before": before.get(name), "after": value}
                        for name, value in after.items()
                        if before.get(name) != value
                    },
                },
            )
    return quota
