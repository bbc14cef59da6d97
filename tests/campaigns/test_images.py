"""Uploads: only real images get in, without metadata, in safe sizes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.images import ImageError, sanitize_image
from campaigns.images import image_exists, store_image, variant_path
from tests.fixtures.campaigns import jpeg_bytes


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 2.0, 3.0), 3: "E", 4: (105.0, 50.0, 1.0)}
    return exif


def test_gps_and_all_exif_removed_and_orientation_applied():
    data, ext = sanitize_image(jpeg_bytes((400, 200), exif=_gps_exif()))
    assert ext == "jpg"
    image = Image.open(io.BytesIO(data))
    assert image.size == (200, 400)  # the rotation was applied to the pixels
    assert dict(image.getexif()) == {}
    assert b"CameraMaker" not in data
    assert "icc_profile" not in image.info and "exif" not in image.info


def test_transparent_png_stays_png():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (255, 0, 0, 0)).save(out, "PNG")
    data, ext = sanitize_image(out.getvalue())
    assert ext == "png"
    assert Image.open(io.BytesIO(data)).mode == "RGBA"


def test_opaque_png_becomes_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (255, 0, 0, 255)).save(out, "PNG")
    assert sanitize_image(out.getvalue())[1] == "jpg"


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not an image at all",
        b"<svg onload=alert(1)></svg>",
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
    ],
)
def test_non_images_refused_with_clear_message(payload):
    with pytest.raises(ImageError) as err:
        sanitize_image(payload)
    assert "ảnh" in err.value.message.lower() or "tệp" in err.value.message.lower()


def test_oversize_bytes_refused():
    with pytest.raises(ImageError, match="quá nặng"):
        sanitize_image(jpeg_bytes(), max_bytes=1000)


def test_too_many_pixels_refused():
    with pytest.raises(ImageError, match="quá lớn"):
        sanitize_image(jpeg_bytes((400, 300)), max_pixels=100_000)


def test_decompression_bomb_refused():
    # 12 000 × 12 000 one-bit pixels compress to a few kilobytes but would need 144 MP in memory.
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ImageError):
        sanitize_image(out.getvalue())


def test_store_writes_webp_and_jpeg_variants_resized(ctx):
    key = store_image(jpeg_bytes((3000, 2000), exif=_gps_exif()))
    assert image_exists(key)
    card = Image.open(variant_path(key, "card", "webp"))
    full = Image.open(variant_path(key, "full", "jpg"))
    assert max(card.size) == 640 and max(full.size) == 1600
    assert dict(full.getexif()) == {}
    # The same picture is stored once, under the same key.
    assert store_image(jpeg_bytes((3000, 2000), exif=_gps_exif())) == key
