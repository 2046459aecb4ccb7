"""Encryption at rest: the data key, how a passphrase unlocks it, and sealed text.

Two keys, so changing the passphrase never re-encrypts an entry:

- a random 256-bit **data key** encrypts every label, answer and draft with AES-256-GCM (a fresh
  96-bit random nonce per text; far fewer than the 2**32 texts that bound allows per key);
- a **key-encryption key** derived from the passphrase with scrypt (memory-hard, so guessing costs
  memory as well as time) wraps the data key, again with AES-256-GCM.

The wrapped key and everything needed to unwrap it (KDF name and parameters, salt, ciphers, format
version) are one JSON document, the *envelope*, kept in the journal's ``meta`` table. Unwrapping
always uses the parameters recorded there, so a later version can raise them for new passphrases
and still open every journal written before. GCM's tag makes a wrong passphrase (or a damaged
envelope) fail cleanly: nothing is ever decrypted into garbage.

Sealed text is ``SEALED_PREFIX`` + base64(nonce ‖ ciphertext ‖ tag), ASCII, so it stays TEXT in SQLite.

``cryptography`` is imported by the functions that use it, so a plain journal never loads it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from encounters_cli.errors import JournalError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

META_KEY = "encryption"
FORMAT_VERSION = 1
SEALED_PREFIX = "e1:"
CIPHER = "AES-256-GCM"
KDF = "scrypt"
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
MIN_PASSPHRASE = 8
# scrypt cost for new passphrases: n = 2**16, r = 8 uses 64 MiB and took 0.2-0.3 s per derivation on
# the (AMD EPYC) core it was tuned on; p = 1: more lanes would only help an attacker with more cores.
SCRYPT_N = 2**16
SCRYPT_R = 8
SCRYPT_P = 1
# Tests only: a cheaper n, so a test that encrypts does not spend 0.3 s and 64 MiB per derivation.
# The n actually used is recorded in the envelope, so a journal encrypted this way says so.
TEST_SCRYPT_N_ENV = "ENCOUNTERS_TEST_SCRYPT_N"
_WRAP_AAD = b"encounters data key v1"
_TEXT_AAD = SEALED_PREFIX.encode("ascii")
DAMAGED_ENVELOPE = (
    "the journal's encryption record is damaged or unreadable ({detail}); restore the journal from a backup"
)


@dataclass(frozen=True)
class KdfParams:
    n: int
    r: int
    p: int
    salt: bytes

    @classmethod
    def fresh(cls) -> KdfParams:
        """The current cost parameters with a new random salt."""
        return cls(n=_scrypt_n(), r=SCRYPT_R, p=SCRYPT_P, salt=os.urandom(SALT_BYTES))

    def derive(self, passphrase: str) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(salt=self.salt, length=KEY_BYTES, n=self.n, r=self.r, p=self.p)
        return kdf.derive(passphrase.encode("utf-8"))


def _scrypt_n() -> int:
    raw = os.environ.get(TEST_SCRYPT_N_ENV)
    if not raw:
        return SCRYPT_N
    n = int(raw)
    if n < 2 or n & (n - 1):
        raise ValueError(f"{TEST_SCRYPT_N_ENV} must be a power of two of at least 2")
    return n


class DataKey:
    """The unwrapped data key: seals and unseals free text."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._key = key
        self._aead = _aesgcm(key)

    @classmethod
    def generate(cls) -> DataKey:
        return cls(os.urandom(KEY_BYTES))

    def seal(self, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), _TEXT_AAD)
        return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def unseal(self, text: str) -> str:
        from cryptography.exceptions import InvalidTag

        if not is_sealed(text):
            raise JournalError(
                "the journal holds unencrypted text where encrypted text belongs (another encounters"
                " program may have changed it meanwhile); run the command again"
            )
        try:
            blob = base64.b64decode(text[len(SEALED_PREFIX) :], validate=True)
            plain = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _TEXT_AAD)
        except (binascii.Error, InvalidTag, ValueError) as exc:
            raise JournalError(
                "an entry in the journal fails its integrity check (the file was damaged or altered);"
                " restore the journal from a backup"
            ) from exc
        return plain.decode("utf-8")

    def wrap(self, passphrase: str, params: KdfParams | None = None) -> str:
        """An envelope (JSON text) holding this key wrapped by ``passphrase``; fresh salt unless given."""
        params = params or KdfParams.fresh()
        nonce = os.urandom(NONCE_BYTES)
        wrapped = _aesgcm(params.derive(passphrase)).encrypt(nonce, self._key, _WRAP_AAD)
        document = {
            "format": FORMAT_VERSION,
            "cipher": CIPHER,
            "sealed_prefix": SEALED_PREFIX,
            "kdf": {
                "name": KDF,
                "n": params.n,
                "r": params.r,
                "p": params.p,
                "length": KEY_BYTES,
                "salt": _b64(params.salt),
            },
            "key_wrap": {"cipher": CIPHER, "nonce": _b64(nonce), "wrapped_key": _b64(wrapped)},
        }
        return json.dumps(document, sort_keys=True)


def unwrap(envelope: str, passphrase: str) -> DataKey | None:
    """The data key inside ``envelope``, or None when ``passphrase`` does not open it."""
    from cryptography.exceptions import InvalidTag

    document = read_envelope(envelope)
    kdf, wrap = document["kdf"], document["key_wrap"]
    params = KdfParams(n=kdf["n"], r=kdf["r"], p=kdf["p"], salt=_unb64(kdf["salt"]))
    try:
        key = _aesgcm(params.derive(passphrase)).decrypt(
            _unb64(wrap["nonce"]), _unb64(wrap["wrapped_key"]), _WRAP_AAD
        )
    except InvalidTag:
        return None
    return DataKey(key)


def read_envelope(envelope: str) -> dict[str, Any]:
    """The envelope's document, checked to be one this version understands."""
    try:
        document = json.loads(envelope)
        version = document["format"]
        kdf, wrap = document["kdf"], document["key_wrap"]
        known = (
            version == FORMAT_VERSION
            and document["cipher"] == CIPHER
            and kdf["name"] == KDF
            and wrap["cipher"] == CIPHER
        )
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise JournalError(
                "this journal is encrypted in a format a newer version of encounters wrote; upgrade"
                " encounters to open it (your entries are untouched)"
            )
        if not known:
            raise JournalError(DAMAGED_ENVELOPE.format(detail="unknown cipher or key derivation"))
        # Bounds, so a tampered envelope cannot make unlocking claim gigabytes or run for hours.
        n, r, p = kdf["n"], kdf["r"], kdf["p"]
        if not all(isinstance(value, int) for value in (n, r, p)) or not (
            2 <= n <= 2**24 and not n & (n - 1) and 1 <= r <= 64 and 1 <= p <= 64
        ):
            raise JournalError(DAMAGED_ENVELOPE.format(detail="scrypt parameters out of range"))
    except (ValueError, KeyError, TypeError) as exc:
        raise JournalError(DAMAGED_ENVELOPE.format(detail=type(exc).__name__)) from exc
    return document


def is_sealed(text: str) -> bool:
    return text.startswith(SEALED_PREFIX)


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise JournalError(
            f"a passphrase needs at least {MIN_PASSPHRASE} characters; a few words make a good one"
        )


def _aesgcm(key: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise JournalError(DAMAGED_ENVELOPE.format(detail="bad base64")) from exc
