"""The human task node of the recognition flow: viewflow's View, scoped by unit and audited."""

from django.db import transaction
from django.urls import path
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.base import Edge
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.switch import SwitchActivation

from .activations import AuditedViewActivation
from .performers import (
    owner_permission_for,
    performer_unit_id,
    registrant_owner_permission,
    task_performer,
    user_may_perform,
)


class ActingUnit:
    """Which unit's members act on a task when the pinned version does not say (procedures.spec.PerformerUnit)."""

    ORGANISER = "organiser"  # the steering committee's unit that runs the campaign
    REGISTRANT = "registrant"  # the unit that registered the model


class HumanTask(flow.View):
    """A task done by a person of the acting unit who holds the node's permission.

    The acting unit and the role come from the process's pinned procedure version
    (the stage's spec; for the `approve` node, the step named in task.data); the
    node's `acting_unit` and `.Permission(...)` are what the standard role gets.
    """

    activation_class = AuditedViewActivation

    def __init__(self, view, *, acting_unit: str, **kwargs):
        super().__init__(view, **kwargs)
        self.acting_unit = acting_unit

    def performer(self, activation):
        return task_performer(activation.process, self.name, activation.task.data)

    def calc_unit_id(self, activation) -> int | None:
        performer = self.performer(activation)
        return performer_unit_id(activation.process, performer.performer_unit if performer else self.acting_unit)

    def calc_owner_permission(self, activation):
        performer = self.performer(activation)
        permission = owner_permission_for(self.name, super().calc_owner_permission(activation), performer)
        acting_unit = performer.performer_unit if performer else self.acting_unit
        return registrant_owner_permission(activation.process, acting_unit, permission)

    def can_assign(self, user, task) -> bool:
        # viewflow's rules (not yet owned, signed in), then the row's role or permission and the unit.
        if task.owner_id or user is None or user.is_anonymous:
            return False
        return user_may_perform(user, task.owner_permission) and _is_unit_member(user, task)

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


class RouteActivation(SwitchActivation):
    @SwitchActivation.status.super()
    def activate(self):
        """The first branch whose condition holds (or the default), with the data it gives its task.

        As viewflow's gateways: in a savepoint, a failure keeps the gateway in error.
        """
        with self.exception_guard(), transaction.atomic(savepoint=True):
            self.next_task, self.next_data = None, None
            for node, condition, task_data in self.flow_task._routes:
                if condition is None or condition(self):
                    self.next_task = node
                    self.next_data = task_data(self) if task_data is not None else None
                    break
            if self.next_task is None:
                raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")

    @SwitchActivation.status.super()
    def create_next(self):
        yield self.next_task._create(self, self.task.token, data=self.next_data)


class Route(flow.Switch):
    """An exclusive gateway whose branches may hand their task data (viewflow's free Switch cannot)."""

    activation_class = RouteActivation

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._routes = []
        self._labels = {}  # node -> the label of its edge on the chart and in BPMN

    def Case(self, node, cond=None, task_data=None, label=None):
        self._routes.append((node, cond, task_data))
        self._labels[node.name] = label  # a `this.<name>` reference
        return super().Case(node, cond)

    def Default(self, node, label=None):
        self._routes.append((node, None, None))
        self._labels[node.name] = label  # a `this.<name>` reference
        return super().Default(node)

    def _outgoing(self):
        for edge in super()._outgoing():
            yield Edge(src=edge.src, dst=edge.dst, edge_class=edge.edge_class, label=self._labels.get(edge.dst.name))

    def _resolve(self, instance):
        super()._resolve(instance)
        self._routes = [
            (this.resolve(instance, node), this.resolve(instance, cond), this.resolve(instance, data))
            for node, cond, data in self._routes
        ]
