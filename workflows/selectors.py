"""Read queries over processes and tasks, scoped by unit."""

from django.db.models import Q, QuerySet
from viewflow.workflow.status import STATUS

from recognition.models import User

from .models import RecognitionProcess, RecognitionTask


def process_visible_to(*, user: User, process) -> bool:
    if user.is_superuser:
        return True
    if user.unit_id is None:
        return False
    registering_unit = getattr(process, "registering_unit", None)
    if registering_unit is None:
        process = RecognitionProcess.objects.select_related("registering_unit").get(pk=process.pk)
        registering_unit = process.registering_unit
    return registering_unit is not None and registering_unit.path.startswith(user.unit.path)


def processes_visible_to(*, user: User) -> QuerySet[RecognitionProcess]:
    queryset = RecognitionProcess.objects.select_related("movement_model", "registering_unit")
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(registering_unit__path__startswith=user.unit.path)


def _tasks() -> QuerySet[RecognitionTask]:
    return RecognitionTask.objects.select_related(
        "process", "process__recognitionprocess__movement_model", "owner", "unit"
    )


def tasks_visible_to(*, user: User) -> QuerySet[RecognitionTask]:
    queryset = _tasks()
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(process__recognitionprocess__registering_unit__path__startswith=user.unit.path)


def task_inbox_for(*, user: User) -> QuerySet[RecognitionTask]:
    """Tasks the user has claimed (or was assigned) and not yet completed."""
    return _tasks().filter(owner=user, status=STATUS.ASSIGNED).order_by("created", "pk")


def task_queue_for(*, user: User) -> QuerySet[RecognitionTask]:
    """Unclaimed tasks of the user's unit that one of the user's roles may take."""
    if user.unit_id is None:
        return RecognitionTask.objects.none()
    permissions = user.get_all_permissions()
    return (
        _tasks()
        .filter(status=STATUS.NEW, flow_task_type="HUMAN", unit_id=user.unit_id)
        .filter(Q(owner_permission__in=permissions) | Q(owner_permission__isnull=True))
        .order_by("created", "pk")
    )


def task_archive_for(*, user: User) -> QuerySet[RecognitionTask]:
    return _tasks().filter(owner=user, finished__isnull=False).order_by("-finished")


def process_tasks(*, process) -> QuerySet[RecognitionTask]:
    """The tasks of one process in the order they were created, for its detail page."""
    return RecognitionTask.objects.filter(process=process).select_related("owner", "unit").order_by("created", "pk")
