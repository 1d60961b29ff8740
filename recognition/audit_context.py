"""Request metadata (client IP, user agent) made available to the audit service.

The middleware stores it in a context variable so service functions do not need a
request argument; Celery tasks leave it empty and name a system actor instead.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMetadata:
    client_ip: str | None = None
    user_agent: str = ""


_NO_REQUEST = RequestMetadata()
_current: ContextVar[RequestMetadata | None] = ContextVar("kheo_request_metadata", default=None)


def current_request_metadata() -> RequestMetadata:
    return _current.get() or _NO_REQUEST


def request_metadata_from(request) -> RequestMetadata:
    # Behind the reverse proxy the client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client_ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return RequestMetadata(
        client_ip=client_ip or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
    )


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request_metadata_from(request))
        actor_token = _actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(actor_token)
            _current.reset(token)


@dataclass(frozen=True)
class WorkflowScope:
    process_id: int | None = None
    task_id: int | None = None


_NO_SCOPE = WorkflowScope()
_scope: ContextVar[WorkflowScope | None] = ContextVar("kheo_workflow_scope", default=None)


def current_workflow_scope() -> WorkflowScope:
    return _scope.get() or _NO_SCOPE


class workflow_scope:
    """Tag the audit records written inside the block with a process and task id.

    The workflow layer wraps its calls into domain services with this, so the domain
    records which step of which process caused a change without importing the engine.
    """

    def __init__(self, *, process_id: int | None, task_id: int | None = None):
        self._value = WorkflowScope(process_id=process_id, task_id=task_id)
        self._token = None

    def __enter__(self):
        self._token = _scope.set(self._value)
        return self._value

    def __exit__(self, *exc_info):
        _scope.reset(self._token)
        return False


_actor: ContextVar[object | None] = ContextVar("kheo_acting_user", default=None)


def current_actor():
    """The person acting in this request or service call, or None for system work."""
    user = _actor.get()
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


class acting_as:
    """Name the person on whose action the engine's own writes (task created, assigned) happen."""

    def __init__(self, user):
        self._user = user
        self._token = None

    def __enter__(self):
        self._token = _actor.set(self._user)
        return self._user

    def __exit__(self, *exc_info):
        _actor.reset(self._token)
        return False
