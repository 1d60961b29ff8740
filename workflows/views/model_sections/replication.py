"""The model page's section on replication: adopting units, their follow-up, coverage per level."""

from viewflow.workflow.status import STATUS

from recognition.coverage import model_coverage
from recognition.models import Replication
from recognition.services.replication import RECOGNISED_STAGES


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/replication.html` (empty before recognition)."""
    if movement_model.stage not in RECOGNISED_STAGES:
        return {}
    from workflows.models import RecognitionTask

    adoptions = list(
        Replication.objects.filter(source_model=movement_model)
        .select_related("adopting_unit", "adopting_unit__level")
        .order_by("started_on", "adopting_unit__name")
    )
    # Each adoption's open follow-up task (its due date): one query for the whole list.
    open_tasks = {
        task.process.replication_id: task
        for task in RecognitionTask.objects.filter(
            process__replication__in=adoptions, status__in=(STATUS.NEW, STATUS.ASSIGNED), flow_task_type="HUMAN"
        ).select_related("process")
    }
    for adoption in adoptions:
        adoption.open_task = open_tasks.get(adoption.pk)
    return {
        "replication_shown": True,
        "replication_adoptions": adoptions,
        "replication_coverage": model_coverage(movement_model),
    }
