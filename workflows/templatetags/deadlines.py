from django import template

from workflows.deadlines.display import task_due_status

register = template.Library()


@register.simple_tag
def task_due(task):
    """{% task_due task as due %} → due.due_on, due.label, due.is_overdue, due.text."""
    return task_due_status(task=task)
