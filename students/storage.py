"""Private files (consent scans, hand-over evidence): under PRIVATE_FOLDER, never under static/."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from app.errors import DomainError
from campaigns.images import sanitize_image

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PDF_BYTES = 10 * 1024 * 1024
_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


def _root() -> Path:
    return Path(current_app.config["PRIVATE_FOLDER"]).resolve()


def _sanitize_image(data: bytes) -> tuple[bytes, str]:
    """Verify and re-encode an image without EXIF (GPS); returns (bytes, extension)."""
    return sanitize_image(data, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_PIXELS)


def store_image(data: bytes, folder: str) -> tuple[str, str]:
    """Sanitize and save an image; returns (relative path, content type)."""
    clean, ext = _sanitize_image(data)
    return _write(clean, folder, ext), _TYPES.get(ext, "image/jpeg")


def store_scan(data: bytes, filename: str, folder: str) -> tuple[str, str]:
    """A signed paper's scan: a PDF (checked by its header) or an image (sanitized)."""
    if data[:5] == b"%PDF-" or filename.lower().endswith(".pdf"):
        if data[:5] != b"%PDF-":
            raise DomainError("Tệp không phải là PDF hợp lệ.")
        if len(data) > MAX_PDF_BYTES:
            raise DomainError("Tệp PDF quá lớn (tối đa 10 MB).")
        return _write(data, folder, "pdf"), "application/pdf"
    return store_image(data, folder)


def _write(data: bytes, folder: str, ext: str) -> str:
    relative = f"{folder}/{secrets.token_hex(16)}.{ext}"
    target = _root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative


def absolute(relative: str) -> Path:
    """The file's absolute path, refusing anything outside PRIVATE_FOLDER."""
    root = _root()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise DomainError("Đường dẫn tệp không hợp lệ.")
    return path


def content_type(relative: str) -> str:
    """MIME type from the stored extension."""
    return _TYPES.get(relative.rsplit(".", 1)[-1].lower(), "application/octet-stream")
