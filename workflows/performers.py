"""Who performs a human task, as the process's pinned procedure version says.

Each task row carries its acting unit and, in `owner_permission`, what a person of that
unit must hold to take it. A stage performed by its standard role keeps the node's own
permission (e.g. "recognition.check_dossier"), exactly as before procedures were
versioned; any other role (a version's choice, or an additional approval step) is
written as a role token "role:<group name>", held by the members of that group.
"""

from django.db.models import Q

from procedures.defaults import STANDARD_PERFORMERS
from procedures.selectors import spec_for_version_id
from procedures.services import national_version_ensure
from procedures.spec import ApprovalStepSpec, PerformerUnit, ProcedureSpec, StageSpec
from recognition.models import Unit
from recognition.roles import user_roles
from recognition.services.registration import on_behalf_permission

ROLE_TOKEN_PREFIX = "role:"


def process_spec(process) -> ProcedureSpec:
    """The version the process is pinned to (parsed once per worker); the national one for a process
    started before versions existed."""
    version_id = process.procedure_version_id
    if version_id is None:
        version_id = national_version_ensure().pk
    return spec_for_version_id(version_id)


def task_performer(process, node_name: str, task_data: dict | None) -> StageSpec | ApprovalStepSpec | None:
    return process_spec(process).performer_of(node_name, task_data)


def role_token(role: str) -> str:
    return f"{ROLE_TOKEN_PREFIX}{role}"


def token_role(owner_permission: str | None) -> str | None:
    """The role a task's permission names, or None when it is a Django permission (or empty)."""
    if owner_permission and owner_permission.startswith(ROLE_TOKEN_PREFIX):
        return owner_permission[len(ROLE_TOKEN_PREFIX) :]
    return None


def owner_permission_for(node_name: str, node_permission: str | None, performer) -> str | None:
    """The permission written on a new task: the node's own for its standard role, else the role's token."""
    if performer is None:
        return node_permission
    standard = STANDARD_PERFORMERS.get(node_name)
    if standard is not None and performer.performer_role == standard[0] and node_permission:
        return node_permission
    return role_token(performer.performer_role)


def performer_unit_id(process, performer_unit: str) -> int | None:
    """The organiser, the registering unit, or the registering unit's ancestor at a level (by code).

    The ancestor is the highest unit of that level on the registering unit's line (a
    mass organisation of a commune, itself filed at commune level, is served by the
    commune's party committee). A registering unit with no unit of that level above it
    is served by the organiser, which runs the campaign.
    """
    if performer_unit == PerformerUnit.REGISTRANT:
        return registrant_acting_unit_id(process)
    if performer_unit == PerformerUnit.ORGANISER:
        return process.organising_unit_id
    path = process.scope_path
    ancestors = [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]
    ancestor = (
        Unit.objects.filter(path__in=ancestors, level__code=performer_unit)
        .order_by("depth")
        .values_list("pk", flat=True)
        .first()
    )
    return ancestor if ancestor is not None else process.organising_unit_id


def registrant_acting_unit_id(process) -> int | None:
    """The registering unit, or for a registration made on its behalf, the body that made it.

    A unit registered on its behalf (a residential area) has no account: its returned
    dossier goes back to the standing body or Front that registered it.
    """
    # A follow-up process (adoption report, re-review) has no model of its own: it follows one.
    movement_model = process.subject_model
    if movement_model.registered_on_behalf and movement_model.registered_by_unit_id is not None:
        return movement_model.registered_by_unit_id
    return process.registering_unit_id


def registrant_owner_permission(process, performer_unit: str, permission: str | None) -> str | None:
    """The permission of a registrant's task; on a unit's behalf, the one the registering body acted under.

    Only the standard permission is replaced (a version's role token stays as it is).
    """
    movement_model = process.subject_model
    if (
        performer_unit == PerformerUnit.REGISTRANT
        and permission == "recognition.register_model"
        and movement_model.registered_on_behalf
        and movement_model.registered_by_unit is not None
    ):
        return on_behalf_permission(movement_model.registered_by_unit)
    return permission


def user_may_perform(user, owner_permission: str | None) -> bool:
    """Whether the user holds what the task's row asks for (a role token or a Django permission)."""
    if not owner_permission:
        return True
    role = token_role(owner_permission)
    if role is not None:
        return role in user_roles(user)
    return user.has_perm(owner_permission)


def user_performer_tokens(user) -> set[str]:
    """Every value of `owner_permission` the user may take: their permissions and their roles' tokens."""
    return set(user.get_all_permissions()) | {role_token(role) for role in user_roles(user)}


def holders_filter(permission: str | None) -> Q:
    """Users holding a task's permission (through a role or directly), or its role."""
    if not permission:
        return Q()
    role = token_role(permission)
    if role is not None:
        return Q(groups__name=role)
    app_label, _dot, codename = permission.partition(".")
    return Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
