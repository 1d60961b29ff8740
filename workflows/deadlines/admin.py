"""Admin pages of the deadline machinery: calendar overrides, escalation routes, slots (read-only)."""

from django.contrib import admin

from .models import CalendarOverride, DeadlineSlot, EscalationRoute


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "reason", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("reason",)


@admin.register(EscalationRoute)
class EscalationRouteAdmin(admin.ModelAdmin):
    list_display = ("unit", "supervising_unit", "supervisor_role", "reassign_overdue")
    list_filter = ("supervisor_role", "reassign_overdue")
    raw_id_fields = ("unit", "supervising_unit")


@admin.register(DeadlineSlot)
class DeadlineSlotAdmin(admin.ModelAdmin):
    list_display = ("fire_at", "task_id", "rule", "state", "attempts", "fired_at", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("=task__id", "rule")
    readonly_fields = [f.name for f in DeadlineSlot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
