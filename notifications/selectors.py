"""Reads of a person's in-app notifications."""

from django.db.models import QuerySet

from .models import EmailMode, Notification, NotificationPreference


def notifications_for(*, user) -> QuerySet[Notification]:
    """Delivered notifications of `user`, newest first."""
    return Notification.objects.filter(recipient=user, status=Notification.Status.SENT).order_by("-created_at", "-pk")


def unread_count_for(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def email_mode_for(*, user) -> str:
    preference = NotificationPreference.objects.filter(user=user).values_list("email_mode", flat=True).first()
    return preference or EmailMode.IMMEDIATE
