"""Working-day deadlines of human tasks: the calendar, due dates, reminders and escalations.

Read in this order: `calendar` (what a working day is), `policy` (the configured
periods), `planning` (due date and the reminder/escalation slots of a new task),
`firing` (what happens when a slot is due), `scan` (what the Celery beat runs).
"""

from . import policy  # noqa: E402,F401  (registers the system check of the deadline settings)
