"""The peer's one Celery task: what a team would publish for each new human task.

It does nothing: the benchmark measures the publish (a real message to Redis), not a
worker. Its queue is its own, so no worker of the project ever reads these messages;
`bench.lifecycle` empties it at the end.
"""

from celery import shared_task

PEER_QUEUE = "bench_peer"


@shared_task(name="bench.peer_task_created", queue=PEER_QUEUE, ignore_result=True)
def peer_task_created(task_id: int) -> None:
    """A new task was created (the peer's notification hook)."""
