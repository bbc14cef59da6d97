"""The fund's Ed25519 key for signed heads: LEDGER_SIGNING_KEY (hex or base64 of the 32-byte
private seed); in development and tests generated once into instance/; required in production.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app

KEY_FILE = "ledger_signing_key"


class SigningKeyMissing(RuntimeError):
    """Production without LEDGER_SIGNING_KEY."""


def _decode(value: str) -> bytes:
    value = value.strip()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
    if len(raw) != 32:
        raise SigningKeyMissing("LEDGER_SIGNING_KEY must be 32 bytes, as hex or base64")
    return raw


def _instance_key() -> str:
    from app.config import INSTANCE

    path = Path(current_app.config.get("LEDGER_SIGNING_KEY_FILE") or INSTANCE / KEY_FILE)
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = os.urandom(32).hex()
    path.write_text(value)
    path.chmod(0o600)
    return value


def private_key() -> Ed25519PrivateKey:
    value = current_app.config.get("LEDGER_SIGNING_KEY") or os.environ.get("LEDGER_SIGNING_KEY")
    if not value:
        if current_app.config.get("ENV_NAME") == "production":
            raise SigningKeyMissing(
                "LEDGER_SIGNING_KEY must be set in production (32 bytes hex); generate one with: "
                "python -c 'import os; print(os.urandom(32).hex())'"
            )
        value = _instance_key()
    return Ed25519PrivateKey.from_private_bytes(_decode(value))


def public_key_hex(key: Ed25519PrivateKey | None = None) -> str:
    key = key or private_key()
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def message(day: str, tree_size: int, root: str) -> bytes:
    """What is signed: "<date>|<tree_size>|<root>" in ASCII."""
    return f"{day}|{tree_size}|{root}".encode("ascii")


def sign(day: str, tree_size: int, root: str) -> tuple[str, str]:
    """(signature hex, public key hex)."""
    key = private_key()
    return key.sign(message(day, tree_size, root)).hex(), public_key_hex(key)


def verify(public_key: str, signature: str, day: str, tree_size: int, root: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature), message(day, tree_size, root)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
