"""Uploaded images: verified, stripped of metadata, re-encoded, and stored as variants.

`sanitize_image` is shared with other packages (evidence photos): it is the only door through
which an uploaded picture enters the system.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
# Stored variants: name -> longest side in pixels (card in lists, full on the campaign page).
VARIANTS = {"card": 640, "full": 1600}
VARIANT_FORMATS = ("webp", "jpg")
KEY_RE = re.compile(r"^[0-9a-f]{24}$")
_ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}


class ImageError(DomainError):
    """The upload is not an acceptable image; the message tells the person why."""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open, verify and reload the image, refusing anything Pillow does not trust."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between MAX_IMAGE_PIXELS and twice that; we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in _ACCEPTED:
                raise ImageError(
                    _l("Định dạng ảnh không được hỗ trợ. Hãy dùng JPEG, PNG hoặc WebP.")
                )
            width, height = probe.size
            if width * height > max_pixels:
                limit = f"{max_pixels:,}".replace(",", ".")
                raise ImageError(
                    _l(
                        "Ảnh quá lớn (%(width)s×%(height)s điểm ảnh); tối đa %(max)s điểm ảnh.",
                        width=width,
                        height=height,
                        max=limit,
                    )
                )
            probe.verify()  # checks structure; the object is unusable afterwards
            image = Image.open(io.BytesIO(data))
            image.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(
            _l("Ảnh có kích thước bất thường (nghi là ảnh nén bẫy); không thể nhận.")
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageError(_l("Tệp tải lên không phải là ảnh hợp lệ hoặc đã bị hỏng.")) from None
    return image


def _has_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA"):
        return image.getchannel("A").getextrema()[0] < 255
    return image.mode == "P" and "transparency" in image.info


def sanitize_image(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> tuple[bytes, str]:
    """Verify an upload is an image, fix its orientation, drop all metadata, re-encode it.

    Returns (bytes, extension): JPEG ("jpg") for photos, PNG ("png") when it has transparency.
    Raises ImageError with a Vietnamese message for non-images, oversize files and bombs.
    """
    if not data:
        raise ImageError(_l("Chưa chọn ảnh, hoặc tệp rỗng."))
    if len(data) > max_bytes:
        raise ImageError(
            _l("Ảnh quá nặng (%(size)s); tối đa %(max)s.", size=_mb(len(data)), max=_mb(max_bytes))
        )
    image = _open_checked(data, max_pixels)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # animations keep their first frame only
    image = ImageOps.exif_transpose(image)
    transparent = _has_alpha(image)
    # Copy the pixels only into a fresh image: EXIF, GPS, XMP, ICC and comments stay behind.
    mode = "RGBA" if transparent else "RGB"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    out = io.BytesIO()
    if transparent:
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), "jpg"


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
