"""One-time codes for two-factor sign-in: TOTP (RFC 6238), recovery codes, sealed secrets.

The TOTP arithmetic is pyotp's; this module fixes the clinic's choices around it:

- Authenticator apps' common profile: HMAC-SHA1, 6 digits, 30-second steps, 160-bit secrets.
- A code is accepted for its own step and one step either side (clock drift of up to 30 s
  between the phone and the server, RFC 6238 section 5.2), but only for a step *later* than
  the last one accepted for that account, so a code seen over a shoulder or in a log cannot be
  used again within its window.
- Recovery codes are 16 base32 characters (80 random bits) shown as ``XXXX-XXXX-XXXX-XXXX``;
  only their SHA-256 is stored. 80 bits is beyond guessing, so a slow hash adds nothing.
- Secrets are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the MFA key, which
  lives outside the database like the audit key; the account id is bound in as associated
  data, so a sealed secret copied onto another account does not open.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime
from typing import Any

import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: Length of a time step [s] (RFC 6238's default X, and every authenticator app's).
STEP_SECONDS = 30
#: Steps either side of the current one a code may come from (drift allowance).
DRIFT_STEPS = 1
#: Digits of a code.
DIGITS = 6
#: Recovery codes handed out at once.
RECOVERY_CODES = 10
_RECOVERY_CHARS = 16
_NONCE_BYTES = 12


def new_secret() -> str:
    """A fresh base32 secret of 160 random bits (RFC 4226 section 4 recommends 160)."""
    return pyotp.random_base32(32)


def accepted_step(
    secret: str,
    code: str,
    at: datetime,
    after_step: int | None,
    *,
    digits: int = DIGITS,
    digest: Any = hashlib.sha1,
) -> int | None:
    """The time step ``code`` belongs to at moment ``at``, or None if it is not accepted.

    ``at`` is the clinic clock's moment (aware). A code is accepted when pyotp finds it within
    :data:`DRIFT_STEPS` of ``at``'s step and its step is later than ``after_step`` (the last
    step accepted for this account; None: none yet). ``digits`` and ``digest`` are the clinic's
    profile except in tests against RFC 6238's own vectors (8 digits, SHA-1/256/512).
    """
    totp = pyotp.TOTP(secret, digits=digits, digest=digest, interval=STEP_SECONDS)
    # No step before the epoch's first one (pyotp refuses a negative counter).
    window = min(DRIFT_STEPS, totp.timecode(at))
    try:
        step = totp.verify_and_get_timecode(code, for_time=at, valid_window=window)
    except pyotp.exceptions.OTPVerificationError:
        return None
    if after_step is not None and step <= after_step:
        return None  # replayed: this step (or an earlier one) was already used
    return step


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The ``otpauth://totp/...`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=issuer
    )


def is_totp_code(code: str) -> bool:
    """Six digits (spaces ignored): a TOTP code; anything else is tried as a recovery code."""
    digits = code.replace(" ", "")
    return len(digits) == DIGITS and digits.isascii() and digits.isdigit()


def normalise(code: str) -> str:
    """A typed code without spaces and hyphens, upper case (``abcd-efgh`` -> ``ABCDEFGH``)."""
    return code.replace(" ", "").replace("-", "").upper()


def new_recovery_codes() -> list[str]:
    """:data:`RECOVERY_CODES` fresh codes, ``XXXX-XXXX-XXXX-XXXX`` (base32, 80 bits each)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:_RECOVERY_CHARS]
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_CHARS, 4)))
    return codes


def recovery_digest(code: str) -> str:
    """SHA-256 (hex) of a recovery code as typed, normalised: what the clinic stores."""
    return hashlib.sha256(normalise(code).encode("ascii", "replace")).hexdigest()


class SecretSeal:
    """Seals and opens authenticator secrets with a key kept outside the database."""

    def __init__(self, key: bytes) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"microneedling mfa secrets"
        ).derive(key)
        self._aead = AESGCM(derived)

    def seal(self, secret: str, staff_id: int) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, secret.encode("ascii"), _bound(staff_id))
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, staff_id: int) -> str:
        """The secret; raises ``cryptography.exceptions.InvalidTag`` under the wrong key."""
        raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
        nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        return self._aead.decrypt(nonce, body, _bound(staff_id)).decode("ascii")


def _bound(staff_id: int) -> bytes:
    return f"staff:{staff_id}".encode("ascii")
