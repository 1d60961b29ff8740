"""Second-factor helpers for tests: enrolled devices, codes, sessions already verified."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import second_factor_required, totp_device_confirmed


def totp_device_enrolled(user) -> TOTPDevice:
    """The user's confirmed authenticator-app device (created when missing)."""
    return totp_device_confirmed(user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` 30-second steps later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


class SecondFactorClient(Client):
    """Django's test client whose force_login also passes the second factor when the user needs one.

    Tests of other rules log admins and auditors in with `client.force_login(user)`; their
    session is then what it would be after the verification page.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if second_factor_required(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = totp_device_enrolled(user).persistent_id
            session.save()
