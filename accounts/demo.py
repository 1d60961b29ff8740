"""The demo's second factor: a published TOTP key for the demo admin and auditor.

`seed_demo` enrols `quantri` and `kiemtra` with this key so that a newcomer can sign in:
add the key (DEMO_TOTP_SECRET, base32) to any authenticator app, or print the current code
with `python manage.py demo_otp_code quantri`. The key is public, so the command only ever
prints codes of devices that hold this very key: it cannot reveal a real user's code.
"""

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .demo_key import DEMO_TOTP_KEY_HEX, DEMO_TOTP_SECRET
from .second_factor import TOTP_DEVICE_NAME

__all__ = ["DEMO_TOTP_KEY_HEX", "DEMO_TOTP_SECRET", "demo_totp_code", "demo_totp_device_ensure"]


@transaction.atomic
def demo_totp_device_ensure(*, user) -> TOTPDevice:
    """Give `user` a confirmed app device with the demo key unless they already have an app (idempotent)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True)
    return device


def demo_totp_code(*, user) -> str | None:
    """The current code of the user's demo-key device, or None when the user has no such device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY_HEX).first()
    if device is None:
        return None
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
