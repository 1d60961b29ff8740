"""Unlocking a sign-in (deleting axes' record of failed attempts) is written to the audit trail."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db import transaction

from recognition.models import AuditAction
from recognition.services.audit import audit_record


def audit_sign_in_unlocked(*, actor, attempt: AccessAttempt) -> None:
    audit_record(
        action=AuditAction.SIGN_IN_UNLOCKED,
        actor=actor,
        payload={
            "username": attempt.username,
            "ip_address": attempt.ip_address,
            "failures": attempt.failures_since_start,
        },
    )


class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    @transaction.atomic
    def delete_model(self, request, obj):
        audit_sign_in_unlocked(actor=request.user, attempt=obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for attempt in queryset:
            audit_sign_in_unlocked(actor=request.user, attempt=attempt)
        super().delete_queryset(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)
