"""Writes of the notifications app: create outbox rows, deliver them, read marks, preferences."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from .dispatch import deliver_soon, publish_delivery, publish_on_commit
from .models import EmailMode, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def _render(kind: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"notifications/messages/{kind}_subject.txt", context)
    body = render_to_string(f"notifications/messages/{kind}_body.txt", context)
    return " ".join(subject.split())[:255], body.strip()


@dataclass(frozen=True)
class NotificationDraft:
    """One event to tell some people about: a kind (its templates), what to say, and its unique key."""

    recipients: list
    kind: str
    context: dict
    source_key: str
    url: str = ""


def notifications_create(
    *, recipients, kind: str, context: dict, source_key: str, url: str = "", now=None, new_event: bool = False
) -> list[Notification]:
    """Write one outbox row per recipient, in the caller's transaction; a worker delivers it after commit.

    The delivery message is published by the outbox relay (or, in "on_commit" mode, by
    this process right after the commit).
    `source_key` names the event; with the recipient it is unique, so calling twice
    for the same event notifies nobody twice. Inactive people are not written.
    `new_event` says the event itself was created in this transaction (a new task),
    so no row of it can exist yet and the look-up is skipped (the unique key still
    guards it).
    """
    draft = NotificationDraft(recipients=list(recipients), kind=kind, context=context, source_key=source_key, url=url)
    return notifications_create_many(drafts=[draft], now=now, new_event=new_event)


def notifications_create_many(
    *, drafts: list[NotificationDraft], now=None, new_event: bool = False
) -> list[Notification]:
    """`notifications_create` for many events at once: one look-up (none for `new_event`), one insert."""
    created = Notification.objects.bulk_create(notification_rows_build(drafts=drafts, now=now, new_event=new_event))
    deliver_soon([row.pk for row in created])
    return created


def notification_rows_build(
    *, drafts: list[NotificationDraft], now=None, new_event: bool = False
) -> list[Notification]:
    """The outbox rows `notifications_create_many` writes, rendered and not yet saved.

    For a caller that inserts them together with its own rows in one statement; it then
    calls `dispatch.deliver_soon` with their ids, as `notifications_create_many` does.
    """
    now = now or timezone.now()
    grace = timedelta(seconds=_setting("KHEO_NOTIFICATION_SWEEP_GRACE_SECONDS", 30))
    wanted = [
        (draft, user, f"{draft.source_key}:{user.pk}"[:190])
        for draft in drafts
        for user in {user.pk: user for user in draft.recipients if user.is_active}.values()
    ]
    if not wanted:
        return []
    existing = (
        set()
        if new_event
        else set(
            Notification.objects.filter(source_key__in=[key for _draft, _user, key in wanted]).values_list(
                "source_key", flat=True
            )
        )
    )
    # Rows the request publishes itself are marked as published; the relay's are left for it.
    relayed_at = now if publish_on_commit() else None
    rows = []
    for draft, user, key in wanted:
        if key in existing:
            continue
        existing.add(key)
        subject, body = _render(draft.kind, {**draft.context, "recipient": user, "url": draft.url})
        rows.append(
            Notification(
                recipient=user,
                kind=draft.kind,
                subject=subject,
                body=body,
                url=draft.url,
                source_key=key,
                created_at=now,
                # The sweep leaves a fresh row to the message published after commit for a while.
                next_attempt_at=now + grace,
                relayed_at=relayed_at,
            )
        )
    return rows


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def _email_mode(user) -> str:
    try:
        return user.notification_preference.email_mode
    except NotificationPreference.DoesNotExist:
        return _setting("KHEO_NOTIFICATION_DEFAULT_EMAIL_MODE", EmailMode.IMMEDIATE)


def _email_for(notification: Notification) -> EmailMessage:
    domain = _setting("KHEO_EMAIL_MESSAGE_ID_DOMAIN", "kheo.local")
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{_setting('KHEO_SITE_URL', '').rstrip('/')}{notification.url}"
    return EmailMessage(
        subject=notification.subject,
        body=body,
        to=[notification.recipient.email],
        # A stable Message-ID lets a mail system drop a copy re-sent after a crash.
        headers={
            "Message-ID": f"<notification-{notification.pk}@{domain}>",
            "X-Kheo-Notification": str(notification.pk),
        },
    )


def _backoff(attempts: int) -> timedelta:
    base = _setting("KHEO_NOTIFICATION_RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _send_emails(rows: list[Notification]) -> dict[int, str]:
    """Send one e-mail per row over one connection; the error of each row that failed."""
    failures: dict[int, str] = {}
    if not rows:
        return failures
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # the mail server is unreachable: every e-mail of this batch waits
        return {row.pk: f"{type(error).__name__}: {error}"[:2000] for row in rows}
    try:
        for row in rows:
            try:
                connection.send_messages([_email_for(row)])
            except Exception as error:  # one bad address or a dropped connection fails one row
                failures[row.pk] = f"{type(error).__name__}: {error}"[:2000]
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the result
            logger.warning("Closing the e-mail connection failed", exc_info=True)
    return failures


def notifications_deliver(*, notification_ids: list[int], now=None) -> DeliveryReport:
    """Deliver outbox rows: in-app (the row becomes visible) and e-mail by preference.

    Each row is first claimed (status "sending", a token and a lease) in its own
    statement, so a duplicate message, a second worker or a retry finds nothing to
    claim. A row whose worker died is claimable again once its lease has passed.
    E-mail failures are recorded on the row and retried with backoff by the sweep;
    after KHEO_NOTIFICATION_MAX_ATTEMPTS the row is left "failed" for admins.
    """
    now = now or timezone.now()
    report = DeliveryReport()
    token = uuid.uuid4().hex
    lease = timedelta(seconds=_setting("KHEO_NOTIFICATION_LEASE_SECONDS", 180))
    claimable = Q(status=Notification.Status.PENDING) | Q(status=Notification.Status.SENDING, next_attempt_at__lte=now)
    claimed = (
        Notification.objects.filter(pk__in=notification_ids)
        .filter(claimable)
        .update(
            status=Notification.Status.SENDING,
            claim_token=token,
            next_attempt_at=now + lease,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return report
    rows = list(
        Notification.objects.filter(pk__in=notification_ids, claim_token=token)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("pk")
    )
    outcomes: dict[str, list[int]] = {}
    skipped: list[int] = []
    emails: list[Notification] = []
    for row in rows:
        if not row.recipient.is_active:
            skipped.append(row.pk)
            continue
        mode = _email_mode(row.recipient)
        if mode == EmailMode.IMMEDIATE and row.recipient.email:
            emails.append(row)
        elif mode == EmailMode.IMMEDIATE:
            outcomes.setdefault(Notification.EmailStatus.NO_ADDRESS, []).append(row.pk)
        elif mode == EmailMode.DIGEST:
            outcomes.setdefault(Notification.EmailStatus.DIGEST_PENDING, []).append(row.pk)
        else:
            outcomes.setdefault(Notification.EmailStatus.NOT_WANTED, []).append(row.pk)
    failures = _send_emails(emails)
    emailed = [row.pk for row in emails if row.pk not in failures]
    if emailed:
        outcomes[Notification.EmailStatus.SENT] = emailed
    ours = Notification.objects.filter(claim_token=token, status=Notification.Status.SENDING)
    with transaction.atomic():
        for email_status, pks in outcomes.items():
            if pks:
                ours.filter(pk__in=pks).update(
                    status=Notification.Status.SENT,
                    sent_at=now,
                    email_status=email_status,
                    last_error="",
                    claim_token="",
                )
                report.sent.extend(pks)
        if skipped:
            ours.filter(pk__in=skipped).update(
                status=Notification.Status.SKIPPED, last_error="Tài khoản người nhận đã bị khóa.", claim_token=""
            )
            report.skipped.extend(skipped)
        max_attempts = _setting("KHEO_NOTIFICATION_MAX_ATTEMPTS", 5)
        for row in rows:
            if row.pk not in failures:
                continue
            attempts = row.attempts  # already counts this attempt
            gave_up = attempts >= max_attempts
            ours.filter(pk=row.pk).update(
                status=Notification.Status.FAILED if gave_up else Notification.Status.PENDING,
                next_attempt_at=now + _backoff(attempts),
                last_error=failures[row.pk],
                claim_token="",
            )
            report.failed.append(row.pk)
    if report.failed:
        logger.warning("E-mail delivery failed for notification(s) %s", report.failed)
    return report


def notifications_due(*, now=None, limit: int = 5000) -> list[int]:
    """Rows the sweep must (re)publish: pending past their grace or backoff, or claimed by a dead worker.

    Pending rows get a fresh lease so that the next sweeps do not publish them again
    while the message waits in the queue; a dead claim is turned back into pending. A row
    the relay has not published yet (it is down or behind) is marked as published, so
    the relay does not publish it a second time.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=_setting("KHEO_NOTIFICATION_LEASE_SECONDS", 180))
    ids = list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        Notification.objects.filter(pk__in=ids, next_attempt_at__lte=now).update(
            status=Notification.Status.PENDING,
            claim_token="",
            next_attempt_at=now + lease,
            relayed_at=Coalesce("relayed_at", Value(now)),
        )
    return ids


def notifications_sweep(*, now=None) -> int:
    """The beat's every-minute job: publish again what the outbox still holds; returns how many."""
    ids = notifications_due(now=now)
    publish_delivery(ids)
    return len(ids)


def notification_retry(*, notification_ids: list[int], now=None) -> int:
    """Put failed rows back in the outbox (admin action)."""
    now = now or timezone.now()
    return Notification.objects.filter(pk__in=notification_ids, status=Notification.Status.FAILED).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=now
    )


def notifications_digest_send(*, now=None) -> int:
    """One e-mail per person listing the notifications they chose to receive as a daily digest."""
    now = now or timezone.now()
    sent = 0
    recipients = (
        Notification.objects.filter(email_status=Notification.EmailStatus.DIGEST_PENDING)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(recipients):
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=recipient_id, email_status=Notification.EmailStatus.DIGEST_PENDING)
                .select_related("recipient")
                .order_by("created_at", "pk")
            )
            if not rows or not rows[0].recipient.email or not rows[0].recipient.is_active:
                Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                    email_status=Notification.EmailStatus.NO_ADDRESS
                )
                continue
            recipient = rows[0].recipient
            context = {"recipient": recipient, "notifications": rows, "site_url": _setting("KHEO_SITE_URL", "")}
            subject = " ".join(render_to_string("notifications/messages/digest_subject.txt", context).split())
            body = render_to_string("notifications/messages/digest_body.txt", context).strip()
            EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                email_status=Notification.EmailStatus.DIGEST_SENT
            )
            sent += 1
    return sent


def notification_mark_read(*, notification: Notification, now=None) -> None:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user, now=None) -> int:
    return Notification.objects.filter(recipient=user, status=Notification.Status.SENT, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def notification_preference_set(*, user, email_mode: str) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode}
    )
    return preference
