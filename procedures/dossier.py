"""What a version requires of a dossier: pure rules, shared by registration and revision."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .spec import ProcedureSpec

EMPTY = (None, "", [], ())


def dossier_problems(spec: ProcedureSpec, *, data: dict, attachment_count: int) -> dict[str, str]:
    """Each required field left empty and a shortfall of attachments, by form field (empty when complete)."""
    problems = {
        name: _("Quy trình đang áp dụng yêu cầu điền mục này.")
        for name in spec.required_dossier_fields
        if data.get(name) in EMPTY
    }
    if attachment_count < spec.min_attachments:
        problems["attachments"] = ngettext(
            "Quy trình đang áp dụng yêu cầu ít nhất %(count)s tệp đính kèm (hiện có %(have)s).",
            "Quy trình đang áp dụng yêu cầu ít nhất %(count)s tệp đính kèm (hiện có %(have)s).",
            spec.min_attachments,
        ) % {"count": spec.min_attachments, "have": attachment_count}
    return problems
