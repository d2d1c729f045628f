"""One-time codes: RFC 6238's own test vectors through pyotp and the clinic's clock, replay,
drift, recovery codes and sealed secrets."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from clinic_support import Clock
from microneedling.clinic.mfa_codes import (
    RECOVERY_CODES,
    STEP_SECONDS,
    SecretSeal,
    accepted_step,
    is_totp_code,
    new_recovery_codes,
    new_secret,
    normalise,
    recovery_digest,
)

# RFC 6238 Appendix B: the seeds are these ASCII strings, one per hash; T0 = 0, X = 30 s.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# (Unix time [s], TOTP, mode) as printed in the RFC's table.
VECTORS = [
    (59, "94287082", "sha1"),
    (59, "46119246", "sha256"),
    (59, "90693936", "sha512"),
    (1111111109, "07081804", "sha1"),
    (1111111109, "68084774", "sha256"),
    (1111111109, "25091201", "sha512"),
    (1111111111, "14050471", "sha1"),
    (1111111111, "67062674", "sha256"),
    (1111111111, "99943326", "sha512"),
    (1234567890, "89005924", "sha1"),
    (1234567890, "91819424", "sha256"),
    (1234567890, "93441116", "sha512"),
    (2000000000, "69279037", "sha1"),
    (2000000000, "90698825", "sha256"),
    (2000000000, "38618901", "sha512"),
    (20000000000, "65353130", "sha1"),
    (20000000000, "77737706", "sha256"),
    (20000000000, "47863826", "sha512"),
]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _b32(seed: bytes) -> str:
    return base64.b32encode(seed).decode("ascii")


@pytest.mark.parametrize(("unix_s", "code", "mode"), VECTORS)
def test_rfc_6238_appendix_b_vectors_are_accepted_at_the_clinic_clocks_moment(
    unix_s: int, code: str, mode: str
) -> None:
    clock = Clock(EPOCH + timedelta(seconds=unix_s))
    digest = getattr(hashlib, mode)
    step = accepted_step(_b32(SEEDS[mode]), code, clock(), None, digits=8, digest=digest)
    assert step == unix_s // STEP_SECONDS
    # The same code two steps later is out of the window: the clock is what decides.
    clock.advance(seconds=2 * STEP_SECONDS)
    assert accepted_step(_b32(SEEDS[mode]), code, clock(), None, digits=8, digest=digest) is None


def test_a_used_code_is_refused_within_its_window_and_a_later_one_is_accepted() -> None:
    secret = new_secret()
    clock = Clock(datetime(2027, 3, 1, 8, 0, 10, tzinfo=UTC))
    code = pyotp.TOTP(secret).at(clock())
    step = accepted_step(secret, code, clock(), None)
    assert step is not None
    assert accepted_step(secret, code, clock(), step) is None  # replayed at once
    clock.advance(seconds=STEP_SECONDS)  # still inside the drift window, still refused
    assert accepted_step(secret, code, clock(), step) is None
    later = pyotp.TOTP(secret).at(clock())
    assert accepted_step(secret, later, clock(), step) == step + 1


def test_one_step_of_drift_either_way_and_no_more() -> None:
    secret = new_secret()
    now = datetime(2027, 3, 1, 8, 0, 10, tzinfo=UTC)
    totp = pyotp.TOTP(secret)
    for steps, accepted in ((-2, False), (-1, True), (1, True), (2, False)):
        code = totp.at(now + timedelta(seconds=steps * STEP_SECONDS))
        found = accepted_step(secret, code, now, None)
        # A code of another step may equal the current one's by chance (1 in 10^6).
        assert (found is not None) is accepted or code == totp.at(now)


@given(st.integers(min_value=0, max_value=4_000_000_000))
def test_the_current_code_is_accepted_once_at_any_moment(unix_s: int) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    now = EPOCH + timedelta(seconds=unix_s)
    code = pyotp.TOTP(secret).at(now)
    step = accepted_step(secret, code, now, None)
    assert step == unix_s // STEP_SECONDS
    assert accepted_step(secret, code, now, step) is None


def test_recovery_codes_are_ten_distinct_80_bit_codes_matched_however_typed() -> None:
    codes = new_recovery_codes()
    assert len(codes) == len(set(codes)) == RECOVERY_CODES
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set(normalise(code)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        assert not is_totp_code(code)
    typed = codes[0].lower().replace("-", " ")
    assert recovery_digest(typed) == recovery_digest(codes[0])
    assert recovery_digest(codes[1]) != recovery_digest(codes[0])
    assert is_totp_code("123 456")
    assert not is_totp_code("12345")
    assert not is_totp_code("١٢٣٤٥٦")  # Arabic-Indic digits are not a code


def test_a_sealed_secret_opens_only_with_its_key_and_for_its_account() -> None:
    seal = SecretSeal(b"k" * 32)
    secret = new_secret()
    sealed = seal.seal(secret, 7)
    assert secret not in sealed
    assert seal.open(sealed, 7) == secret
    with pytest.raises(InvalidTag):
        seal.open(sealed, 8)  # copied onto another account
    with pytest.raises(InvalidTag):
        SecretSeal(b"x" * 32).open(sealed, 7)  # another clinic's key
