"""The flow lock of a task's process, found from the task and taken in one statement.

viewflow's `select_for_update_lock` locks a process by its id, so a caller that holds
only a task id first reads the task's process id (a second statement). Here the lock
statement joins the task to its process and locks the process row (`FOR UPDATE OF`),
with viewflow's semantics: NOWAIT, five attempts with growing pauses, then
`FlowLockFailed`. Locking the same row as viewflow's lock, it excludes viewflow's own
views and the deadline scans as before.

The rows a step reads are loaded by the next statement, not by this one: in
PostgreSQL's READ COMMITTED a locking SELECT returns the other joined rows as they were
when the statement began, before a concurrent step that held the lock had committed.
"""

import random
import time
from contextlib import contextmanager

from django.db import DatabaseError, transaction
from viewflow.workflow.exceptions import FlowLockFailed

from .models import RecognitionProcess, RecognitionTask

ATTEMPTS = 5


@contextmanager
def task_process_locked(task_id: int):
    """Open a transaction holding the lock of the task's process; raises RecognitionTask.DoesNotExist."""
    with _first_row_locked(
        RecognitionProcess.objects.filter(task_set__pk=task_id).select_for_update(nowait=True, of=("self",)),
        missing=RecognitionTask.DoesNotExist("RecognitionTask matching query does not exist."),
        what=f"the process of task {task_id}",
    ) as process_id:
        yield process_id


@contextmanager
def process_locked(process_id: int):
    """Open a transaction holding a process's flow lock; raises RecognitionProcess.DoesNotExist."""
    with _first_row_locked(
        RecognitionProcess.objects.filter(pk=process_id).select_for_update(nowait=True),
        missing=RecognitionProcess.DoesNotExist("RecognitionProcess matching query does not exist."),
        what=f"process {process_id}",
    ) as found:
        yield found


@contextmanager
def _first_row_locked(locking_queryset, *, missing: Exception, what: str):
    """viewflow's lock semantics: NOWAIT, five attempts with growing pauses, then FlowLockFailed."""
    for attempt in range(ATTEMPTS):
        with transaction.atomic():
            try:
                found = list(locking_queryset.values_list("pk", flat=True))
            except DatabaseError:
                if attempt == ATTEMPTS - 1:
                    raise FlowLockFailed(f"Lock failed for {what}") from None
                time.sleep((((attempt + 1) * random.random()) + 2**attempt) / 2.5)
                continue
            if not found:
                raise missing
            yield found[0]
            return
