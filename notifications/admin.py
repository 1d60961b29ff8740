from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification, NotificationPreference
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox as admins see it: failed deliveries with their error, and a retry action."""

    list_display = ("created_at", "recipient", "kind", "subject", "status", "email_status", "attempts", "last_error")
    list_filter = ("status", "kind", "email_status")
    search_fields = ("subject", "recipient__username", "source_key")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    actions = ["retry"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Gửi lại các thông báo lỗi đã chọn"))
    def retry(self, request, queryset):
        count = notification_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(count)d thông báo vào hàng gửi lại.", "Đã đưa %(count)d thông báo vào hàng gửi lại.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_mode")
    list_filter = ("email_mode",)
    search_fields = ("user__username",)
    autocomplete_fields = ()
    raw_id_fields = ("user",)
