"""The configured signing key and trusted public keys of the audit checkpoints (settings, never the database).

Settings (environment, see README "Nhật ký kiểm tra"):
- `KHEO_AUDIT_SIGNING_KEY_FILE`: a PKCS#8 PEM file holding the Ed25519 private key;
- `KHEO_AUDIT_SIGNING_KEY`: the same PEM text, for deployments that pass secrets as
  environment variables (takes precedence over the file);
- `KHEO_AUDIT_PUBLIC_KEYS`: PEM public key files or directories, the retired keys whose
  checkpoints must stay verifiable after a rotation.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from .signing import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
    SigningKeyError,
    key_id,
    private_key_load,
    public_keys_from_paths,
)


def signing_key() -> Ed25519PrivateKey:
    """The private key that signs new checkpoints. Raises SigningKeyError (Vietnamese) when none is configured."""
    pem = getattr(settings, "KHEO_AUDIT_SIGNING_KEY", "") or ""
    if pem:
        return private_key_load(pem.encode() if isinstance(pem, str) else pem)
    path = getattr(settings, "KHEO_AUDIT_SIGNING_KEY_FILE", "") or ""
    if not path:
        raise SigningKeyError(
            _(
                "Chưa cấu hình khóa ký mốc nhật ký: đặt KHEO_AUDIT_SIGNING_KEY_FILE (hoặc KHEO_AUDIT_SIGNING_KEY); "
                "tạo khóa bằng “manage.py audit_keygen”."
            )
        )
    try:
        with open(path, "rb") as handle:
            return private_key_load(handle.read())
    except OSError as error:
        raise SigningKeyError(
            _("Không đọc được khóa ký %(path)s: %(error)s. Tạo khóa bằng “manage.py audit_keygen”.")
            % {"path": path, "error": error.strerror}
        )


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """{key id: public key}: the signing key's own and every retired key listed in settings."""
    keys = public_keys_from_paths(list(getattr(settings, "KHEO_AUDIT_PUBLIC_KEYS", []) or []))
    try:
        public = signing_key().public_key()
    except SigningKeyError:
        # A verifier (e.g. an auditor's machine) may hold only public keys.
        return keys
    keys[key_id(public)] = public
    return keys
