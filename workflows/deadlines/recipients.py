"""Who a reminder goes to: the task's owner, or every candidate while it is unclaimed."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from workflows.performers import holders_filter


@dataclass
class Recipients:
    users: list = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"user": username or id, "reason": code}

    def usernames(self) -> list[str]:
        return [user.get_username() for user in self.users]


def task_candidates(*, unit_id: int | None, permission: str | None):
    """Users of the task's unit holding its permission (through a role or directly), or its role."""
    users = get_user_model().objects.filter(unit_id=unit_id)
    if permission:
        users = users.filter(holders_filter(permission))
    return users.distinct().order_by("pk")


def task_reminder_recipients(*, task, candidates: list | None = None) -> Recipients:
    """The owner when the task is claimed, else its candidates; deactivated people are skipped and named.

    `candidates` may be passed when the caller already fetched them for the task's unit and permission.
    """
    result = Recipients()
    if task.owner_id is not None:
        people = [task.owner]
    elif candidates is not None:
        people = candidates
    else:
        people = list(task_candidates(unit_id=task.unit_id, permission=task.owner_permission))
    for person in people:
        if person.is_active:
            result.users.append(person)
        else:
            result.skipped.append({"user": person.get_username(), "reason": "inactive"})
    if not people:
        result.skipped.append({"user": None, "reason": "no_candidate"})
    return result
