"""Public campaign images (covers, news photos): sanitized, then stored as sized variants.

Sanitizing (verify, drop EXIF/GPS, re-encode) is the core's `app.images.sanitize_image`; this
module keeps the public, content-addressed variants under UPLOAD_FOLDER.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from flask import current_app
from PIL import Image

from app.images import JPEG_QUALITY, MAX_BYTES, ImageError, sanitize_image

__all__ = ["ImageError", "image_exists", "store_image", "variant_path"]

# Stored variants: name -> longest side in pixels (card in lists, full on the campaign page).
VARIANTS = {"card": 640, "full": 1600}
VARIANT_FORMATS = ("webp", "jpg")
KEY_RE = re.compile(r"^[0-9a-f]{24}$")


def _root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "images"


def variant_path(key: str, variant: str, fmt: str) -> Path:
    """Where a stored variant lives on disk."""
    return _root() / key[:2] / f"{key}-{variant}.{fmt}"


def _fit(image: Image.Image, longest: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return copy


def store_image(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """Sanitize an upload and write its card and full variants (WebP + JPEG); returns the key.

    The key is a hash of the sanitized picture, so the same image is stored once and its URLs
    never change content (which lets browsers cache them for a year).
    """
    clean, _ext = sanitize_image(data, max_bytes=max_bytes)
    key = hashlib.sha256(clean).hexdigest()[:24]
    with Image.open(io.BytesIO(clean)) as image:
        image.load()
        rgb = image.convert("RGB")  # cards sit on white; JPEG cannot hold alpha
        for variant, longest in VARIANTS.items():
            fitted = _fit(rgb, longest)
            for fmt in VARIANT_FORMATS:
                path = variant_path(key, variant, fmt)
                if path.exists():
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(path.suffix + ".tmp")
                if fmt == "webp":
                    fitted.save(tmp, "WEBP", quality=80, method=4)
                else:
                    fitted.save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
                tmp.replace(path)  # atomic: a reader never sees half a file
    return key


def image_exists(key: str | None) -> bool:
    """True when every variant of `key` is on disk."""
    if not key or not KEY_RE.match(key):
        return False
    return all(variant_path(key, v, f).exists() for v in VARIANTS for f in VARIANT_FORMATS)
