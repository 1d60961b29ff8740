"""The demo's procedure designs, made through the admins' services like the rest of the demo.

The province runs its own version (the national one plus a legal opinion after the dossier
check), published with a reason; a draft v2 without the survey waits for the designer's diff
and the simulation; two models registered under the province's version show the approval
step: one agreed, one waiting in the standing body's queue.
"""

import copy
import random

from procedures.models import ProcedureDefinition
from procedures.services import definition_create, draft_create, draft_update, version_publish
from recognition.models import Field
from recognition.roles import Role

from .demo import DemoCast, approval_steps_agree, demo_dossier, task_do
from .services import registration_submit

LEGAL_OPINION = {
    "key": "y-kien-phap-che",
    "title": "Ý kiến pháp chế",
    "after": "check_dossier",
    "performer_role": Role.STANDING_BODY.value,
    "performer_unit": "organiser",
    "sla_working_days": 3,
}
MODELS_UNDER_THE_PROVINCE_VERSION = [
    ("Dân vận khéo trong giải phóng mặt bằng", "kinh-te"),
    ("Tổ hòa giải ở cơ sở “Ba cùng”", "quoc-phong-an-ninh"),
]


def demo_procedures_ensure(*, cast: DemoCast) -> bool:
    """Create the province's procedure and its two example models once; False when already there."""
    if ProcedureDefinition.objects.filter(owner_unit=cast.province).exists():
        return False
    admin = cast.users["quantri"]
    first = definition_create(unit=cast.province, author=admin)
    spec = copy.deepcopy(first.spec)
    spec["approval_steps"] = [LEGAL_OPINION]
    draft_update(version=first, spec_data=spec, author=admin)
    version_publish(
        version=first, actor=admin, reason="Thêm bước lấy ý kiến pháp chế theo Kết luận của Ban Chỉ đạo tỉnh."
    )

    rng = random.Random(2027)
    fields = {field.code: field for field in Field.objects.all()}
    agreed, waiting = (
        registration_submit(
            submitted_by=cast.submitters[index % len(cast.submitters)],
            campaign=cast.campaign,
            data=demo_dossier(name, fields[field_code], rng),
        )
        for index, (name, field_code) in enumerate(MODELS_UNDER_THE_PROVINCE_VERSION)
    )
    for movement_model in (agreed, waiting):
        task_do(
            movement_model=movement_model,
            node_name="check_dossier",
            user=cast.users["thuongtruc"],
            data={"decision": "accept"},
        )
    approval_steps_agree(cast=cast, movement_model=agreed)

    second = draft_create(definition=first.definition, author=admin)
    spec = copy.deepcopy(second.spec)
    spec["stages"]["survey"]["enabled"] = False  # re-recognition without a field survey
    spec["stages"]["check_dossier"]["sla_working_days"] = 4
    draft_update(version=second, spec_data=spec, author=admin)
    return True
