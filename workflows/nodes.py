"""The human task node of the recognition flow: viewflow's View, scoped by unit and audited."""

from django.urls import path
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from .activations import AuditedViewActivation


class ActingUnit:
    """Which unit's members act on a task."""

    ORGANISER = "organiser"  # the steering committee's unit that runs the campaign
    REGISTRANT = "registrant"  # the unit that registered the model


class HumanTask(flow.View):
    """A task done by a person of the acting unit who holds the node's permission."""

    activation_class = AuditedViewActivation

    def __init__(self, view, *, acting_unit: str, **kwargs):
        super().__init__(view, **kwargs)
        self.acting_unit = acting_unit

    def calc_unit_id(self, activation) -> int | None:
        process = activation.process
        if self.acting_unit == ActingUnit.REGISTRANT:
            return process.registering_unit_id
        return process.organising_unit_id

    def can_assign(self, user, task) -> bool:
        return super().can_assign(user, task) and _is_unit_member(user, task)

    def can_execute(self, user, task) -> bool:
        return super().can_execute(user, task) and _is_unit_member(user, task)

    @property
    def view_path(self):
        from .views.tasks import wrap_task_execution

        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            wrap_task_execution(self, self.view),
            name="execute",
        )


def _is_unit_member(user, task) -> bool:
    return user.is_authenticated and user.unit_id is not None and user.unit_id == task.unit_id


class FanOutActivation(SplitActivation):
    @SplitActivation.status.super()
    def activate(self):
        """One outgoing task per item of the branch's data source (task.data = item)."""
        for node, condition, data_source in self.flow_task._branches:
            if condition and not condition(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class FanOut(flow.Split):
    """A parallel split that creates one task per data item.

    viewflow's free edition has no `data_source` on Split (it is a PRO feature); the
    join that follows waits for every instance through their shared split token.
    """

    activation_class = FanOutActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self
