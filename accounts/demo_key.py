"""The demo's published TOTP key (pure constants: the run script prints them without Django)."""

import base64
import binascii

DEMO_TOTP_KEY = b"kheo-demo-totp-2026!"
DEMO_TOTP_KEY_HEX = binascii.hexlify(DEMO_TOTP_KEY).decode()
DEMO_TOTP_SECRET = base64.b32encode(DEMO_TOTP_KEY).decode().rstrip("=")  # what authenticator apps take
