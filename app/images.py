"""Uploaded images: verified, stripped of metadata (EXIF, GPS) and re-encoded.

`sanitize_image` is the only door through which an uploaded picture enters the system: public
campaign images (`campaigns.images`) and private files (`app.private_files`: student photos,
hand-over evidence, invoice scans) all pass through it.
"""

from __future__ import annotations

import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
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
        low = image.getchannel("A").getextrema()[0]  # one band: (min, max) of ints
        return isinstance(low, int) and low < 255
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
