"""Read queries over processes and tasks, scoped by unit."""

from django.db.models import Q, QuerySet
from viewflow.workflow.status import STATUS

from recognition.models import User

from .models import RecognitionProcess, RecognitionTask
from .performers import user_performer_tokens


def process_visible_to(*, user: User, process) -> bool:
    if user.is_superuser:
        return True
    if user.unit_id is None:
        return False
    return process.registering_unit_id is not None and process.scope_path.startswith(user.unit.path)


# The subtree scope is the registering unit's path copied onto the process and task rows
# (`scope_path`): a prefix match on an indexed column, no join to the unit tree.
def processes_visible_to(*, user: User) -> QuerySet[RecognitionProcess]:
    queryset = RecognitionProcess.objects.select_related("movement_model", "followed_model", "registering_unit")
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(scope_path__startswith=user.unit.path)


def _tasks() -> QuerySet[RecognitionTask]:
    return RecognitionTask.objects.select_related(
        "process", "process__movement_model", "process__followed_model", "owner", "unit"
    )


def tasks_visible_to(*, user: User) -> QuerySet[RecognitionTask]:
    queryset = _tasks()
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(scope_path__startswith=user.unit.path)


def task_inbox_for(*, user: User) -> QuerySet[RecognitionTask]:
    """Tasks the user has claimed (or was assigned) and not yet completed."""
    return _tasks().filter(owner=user, status=STATUS.ASSIGNED).order_by("created", "pk")


def task_queue_for(*, user: User) -> QuerySet[RecognitionTask]:
    """Unclaimed tasks of the user's unit that one of the user's roles may take (its permission or its role)."""
    if user.unit_id is None:
        return RecognitionTask.objects.none()
    permissions = user_performer_tokens(user)
    return (
        _tasks()
        .filter(status=STATUS.NEW, flow_task_type="HUMAN", unit_id=user.unit_id)
        .filter(Q(owner_permission__in=permissions) | Q(owner_permission__isnull=True))
        .order_by("created", "pk")
    )


def task_archive_for(*, user: User) -> QuerySet[RecognitionTask]:
    return _tasks().filter(owner=user, finished__isnull=False).order_by("-finished", "-pk")


def process_tasks(*, process) -> QuerySet[RecognitionTask]:
    """The tasks of one process in the order they were created, for its detail page."""
    return RecognitionTask.objects.filter(process=process).select_related("owner", "unit").order_by("created", "pk")
