"""Personal data at rest (PIPL Art. 28, 51): AES-GCM encryption plus a keyed lookup index.

An unkeyed hash of an ID number is not de-identification (the ~10^11 valid numbers are
brute-forced in minutes), so lookups go through HMAC-SHA256 under a separate key.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_FORMAT = b"\x01"  # leading byte names the layout, so keys or formats can change later


@dataclass(frozen=True)
class PiiKeys:
    encryption: bytes
    index: bytes

    @classmethod
    def generate(cls) -> "PiiKeys":
        return cls(AESGCM.generate_key(bit_length=256), os.urandom(32))

    @classmethod
    def from_b64(cls, encryption: str, index: str) -> "PiiKeys":
        enc, idx = base64.b64decode(encryption), base64.b64decode(index)
        if len(enc) != 32 or len(idx) < 32:
            raise ValueError("PII keys must be 32 bytes (base64) each")
        return cls(enc, idx)

    def to_b64(self) -> tuple[str, str]:
        return base64.b64encode(self.encryption).decode(), base64.b64encode(self.index).decode()


class PiiVault:
    """Encrypts, decrypts and indexes personal identifiers."""

    def __init__(self, keys: PiiKeys) -> None:
        self._aead = AESGCM(keys.encryption)
        self._index_key = keys.index

    def encrypt(self, value: str, *, context: str) -> bytes:
        """Encrypt; ``context`` (e.g. ``"worker.id_number"``) is bound as associated data."""
        nonce = os.urandom(12)
        return _FORMAT + nonce + self._aead.encrypt(nonce, value.encode(), context.encode())

    def decrypt(self, blob: bytes, *, context: str) -> str:
        if not blob or blob[:1] != _FORMAT:
            raise ValueError("unknown ciphertext format")
        return self._aead.decrypt(blob[1:13], blob[13:], context.encode()).decode()

    def index(self, value: str, *, context: str) -> str:
        """Deterministic keyed digest for equality lookups (never reversible without the key)."""
        return hmac.new(self._index_key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """``150921199001011234`` → ``150921********1234`` (region and last four kept)."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    """``13800000000`` → ``138****0000``."""
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)
