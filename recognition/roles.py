"""Roles are Django groups; this module names them and grants their permissions.

`roles_sync` runs after every `migrate`, so a fresh database has every group with
exactly the permissions listed here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_SUBMITTER = "unit_submitter", _("Cán bộ đơn vị đăng ký")
    STANDING_BODY = "standing_body", _("Cơ quan thường trực")
    SURVEY_TEAM = "survey_team", _("Tổ khảo sát")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng")
    CHAIR = "chair", _("Trưởng Ban Chỉ đạo")
    ADMIN = "admin", _("Quản trị quy trình")
    AUDITOR = "auditor", _("Kiểm tra, giám sát")


_REFERENCE_MODELS = ["field", "criterion", "level", "campaign", "campaignquota", "unit"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.UNIT_SUBMITTER: ["recognition.register_model", "recognition.view_movementmodel"],
    Role.STANDING_BODY: [
        "recognition.check_dossier",
        "recognition.track_replication",
        "recognition.propose_award",
        "recognition.view_movementmodel",
    ],
    Role.SURVEY_TEAM: ["recognition.conduct_survey", "recognition.view_movementmodel"],
    Role.COUNCIL_MEMBER: ["recognition.evaluate_model", "recognition.view_movementmodel"],
    Role.CHAIR: ["recognition.sign_decision", "recognition.view_movementmodel"],
    Role.ADMIN: [
        *(f"recognition.{verb}_{model}" for model in _REFERENCE_MODELS for verb in ("view", "add", "change")),
        "recognition.view_user",
        "recognition.view_movementmodel",
        "workflows.manage_recognitionprocess",
        "workflows.view_recognitionprocess",
        *(
            f"workflows.{verb}_{model}"
            for model in ("calendaroverride", "escalationroute")
            for verb in ("view", "add", "change")
        ),
        "workflows.view_deadlineslot",
        # The designer: draft, edit and publish the procedure of the admin's unit (and units below).
        "procedures.design_procedure",
        # Move running processes of the admin's subtree to another procedure version.
        "procedures.migrate_process",
        # Unlock a sign-in locked by django-axes: delete its row under Quản trị → Axes.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
    ],
    Role.AUDITOR: [
        "recognition.view_audit_trail",
        "recognition.view_movementmodel",
        "workflows.view_recognitionprocess",
    ],
}

# Roles that see every process of their subtree in the flow dashboard.
PROCESS_VIEWER_ROLES = {Role.STANDING_BODY, Role.CHAIR, Role.ADMIN, Role.AUDITOR}


def roles_sync(**kwargs) -> None:
    """Create the role groups and set their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, permission_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = []
        for name in permission_names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


def user_roles(user) -> list[str]:
    """Role codes of a user, cached on the instance for the request."""
    cached = getattr(user, "_kheo_roles", None)
    if cached is None:
        cached = sorted(user.groups.values_list("name", flat=True)) if user.pk else []
        user._kheo_roles = cached
    return cached
