"""The second factor (TOTP app plus single-use recovery codes) and who must use it.

Admins, auditors, staff and superusers can change the procedure or read everything, so a
stolen password alone must not open their account: `second_factor_required` names them,
and `accounts.middleware` keeps their session away from every page until it is verified.
Devices are django-otp's: one confirmed `TOTPDevice` (the app) and one `StaticDevice`
(the recovery codes, each usable once).
"""

import base64
import secrets

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from recognition.models import AuditAction
from recognition.roles import Role, user_roles
from recognition.services.audit import audit_record

SECOND_FACTOR_ROLES = frozenset({Role.ADMIN.value, Role.AUDITOR.value})
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã khôi phục"


def second_factor_required(user) -> bool:
    """Whether this signed-in user must pass a second factor before any page or API token."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_staff or SECOND_FACTOR_ROLES.intersection(user_roles(user)))


def totp_device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_secret_base32(device: TOTPDevice) -> str:
    """The device's key as authenticator apps expect it typed in (RFC 4648 base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The user's pending (unconfirmed) TOTP device, created on first call; shown as a QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> bool:
    """Confirm the pending device when `token` is its current code; any older app is replaced.

    Returns False, changing nothing, when there is no pending device or the code is wrong.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token.strip()):
        return False
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0]
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        action=AuditAction.SECOND_FACTOR_ENROLLED,
        actor=user,
        payload={"device": device.name, "replaced_devices": replaced},
    )
    return True


def _recovery_code() -> str:
    # 10 characters from an alphabet without look-alikes (no 0/O, 1/l/I): ~50 bits.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes with fresh ones and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(settings.KHEO_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(action=AuditAction.RECOVERY_CODES_RENEWED, actor=user, payload={"codes": len(codes)})
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_verify(*, user, token: str):
    """The confirmed device that accepts `token` (an app code, or a recovery code, used up), or None.

    django-otp throttles each device after a wrong code (growing delay), which bounds guessing.
    """
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice | StaticDevice) and device.verify_token(token):
            return device
    return None
