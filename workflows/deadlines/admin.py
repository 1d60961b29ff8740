"""Admin pages of the deadline machinery: calendar overrides, escalation routes, slots (read-only)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from recognition.admin import AuditedModelAdmin, AuditedModelForm, GlobalReferenceAdmin
from recognition.models import AuditAction
from recognition.selectors import units_visible_to
from workflows.selectors import tasks_visible_to

from .models import CalendarOverride, DeadlineSlot, EscalationRoute


class FlowConfigurationForm(AuditedModelForm):
    """Flow configuration changes are admin overrides: the reason is required, even when adding."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit_reason"].required = True


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(GlobalReferenceAdmin):
    """Swapped working days and extra days off; every change is in the audit trail."""

    form = FlowConfigurationForm
    audit_add_action = AuditAction.FLOW_CONFIGURATION_CHANGED
    audit_change_action = AuditAction.FLOW_CONFIGURATION_CHANGED
    list_display = ("date", "kind", "reason", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("reason",)


@admin.register(EscalationRoute)
class EscalationRouteAdmin(AuditedModelAdmin):
    form = FlowConfigurationForm
    audit_add_action = AuditAction.FLOW_CONFIGURATION_CHANGED
    audit_change_action = AuditAction.FLOW_CONFIGURATION_CHANGED

    list_display = ("unit", "supervising_unit", "supervisor_role", "reassign_overdue")
    list_filter = ("supervisor_role", "reassign_overdue")
    raw_id_fields = ("unit", "supervising_unit")

    def get_queryset(self, request):
        # An admin manages the routes of its own subtree only.
        queryset = super().get_queryset(request).select_related("unit", "supervising_unit")
        return queryset.filter(unit__in=units_visible_to(user=request.user))

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not units_visible_to(user=request.user).filter(pk=obj.unit_id).exists():
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(DeadlineSlot)
class DeadlineSlotAdmin(admin.ModelAdmin):
    """Read-only: the slots of the tasks the admin may see (the processes of the admin's unit subtree)."""

    list_display = ("fire_at", "task_id", "rule", "state", "attempts", "fired_at", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("=task__id", "rule")
    readonly_fields = [f.name for f in DeadlineSlot._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(task__in=tasks_visible_to(user=request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
