"""Private files (photos, consent scans, hand-over evidence): under PRIVATE_FOLDER, never static/.

A file follows the database. The service checks and cleans the upload (`image`, `pdf`, `scan`
return a `PendingFile` with its final name), records the row pointing at that name, and queues
the write with `save_after_commit`: the file is written, and a replaced one deleted, only once
the unit of work has committed (`app.uow.after_commit`). A request that fails or rolls back
therefore leaves no orphan file, and a bad file refuses the request before anything is written.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.images import sanitize_image
from app.uow import after_commit

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PDF_BYTES = 10 * 1024 * 1024
# Enough to tell any accepted upload is over its limit without reading the rest.
MAX_UPLOAD_BYTES = max(MAX_IMAGE_BYTES, MAX_PDF_BYTES)
PDF_MAGIC = b"%PDF-"
_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class PendingFile:
    """A checked, cleaned upload and the name it will have once written (relative path)."""

    relative: str
    data: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        return content_type(self.relative)


def root() -> Path:
    return Path(current_app.config["PRIVATE_FOLDER"]).resolve()


def absolute(relative: str) -> Path:
    """The file's absolute path, refusing anything outside PRIVATE_FOLDER."""
    base = root()
    path = (base / relative).resolve()
    if base not in path.parents:
        raise DomainError(_l("Đường dẫn tệp không hợp lệ."))
    return path


def existing(relative: str | None) -> Path | None:
    """The file behind a stored path, or None when there is none (or it was never written)."""
    if not relative:
        return None
    path = absolute(relative)
    return path if path.is_file() else None


def content_type(relative: str) -> str:
    """MIME type from the stored extension."""
    return _TYPES.get(relative.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def send(relative: str | None, *, download_name: str | None = None):
    """Serve a private file from a view that has checked who asks (404 when it is missing).

    Images were re-encoded by Pillow on upload, so they may show inline; anything else (a PDF
    as sent by its uploader) is an attachment, never rendered in our origin. Never cached,
    never sniffed, and sandboxed should a browser render it anyway.
    """
    from flask import abort, send_file

    path = existing(relative)
    if path is None:
        abort(404)
    mimetype = content_type(relative or "")
    inline = mimetype.startswith("image/")
    response = send_file(
        path,
        mimetype=mimetype,
        max_age=0,
        as_attachment=not inline,
        download_name=download_name or path.name,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Private-File"] = "1"  # app.security.headers: no-store, never cached
    return response


def _new_name(folder: str, ext: str) -> str:
    return f"{folder}/{secrets.token_hex(16)}.{ext}"


@contextmanager
def _on_field(name: str | None) -> Iterator[None]:
    """Name the form field a refused upload came from, so the view shows the message there."""
    try:
        yield
    except DomainError as err:
        if name and err.field is None:
            err.field = name
        raise


def image(
    data: bytes,
    folder: str,
    *,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_pixels: int = MAX_PIXELS,
    adjust: Callable[[bytes, str], bytes] | None = None,
    field: str | None = None,
) -> PendingFile:
    """Verify an image and re-encode it without EXIF (GPS); `adjust(clean, ext)` may resize.

    Raises `app.images.ImageError` (a DomainError) for anything that is not a safe image.
    """
    with _on_field(field):
        clean, ext = sanitize_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    if adjust is not None:
        clean = adjust(clean, ext)
    return PendingFile(_new_name(folder, ext), clean)


def pdf(
    data: bytes, folder: str, *, max_bytes: int = MAX_PDF_BYTES, field: str | None = None
) -> PendingFile:
    """A PDF, checked by its size, its header and its structure (pypdf must read its pages);
    stored as sent, served only privately and as an attachment (`send`)."""
    if not data.startswith(PDF_MAGIC):
        raise DomainError(_l("Tệp không phải là PDF hợp lệ."), field=field)
    if len(data) > max_bytes:
        raise DomainError(
            _l("Tệp PDF quá lớn (tối đa %(mb)s MB).", mb=max_bytes // (1024 * 1024)), field=field
        )
    if not _readable_pdf(data):
        raise DomainError(_l("Tệp không phải là PDF hợp lệ."), field=field)
    return PendingFile(_new_name(folder, "pdf"), data)


def _readable_pdf(data: bytes) -> bool:
    """True when pypdf reads a page count and the first page of the file (strict parsing)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            return False
        pages = len(reader.pages)
        if pages < 1 or pages > 500:
            return False
        reader.pages[0].mediabox  # noqa: B018 - reading it parses the page object
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return False
    return True


def scan(data: bytes, filename: str, folder: str, *, field: str | None = None) -> PendingFile:
    """A signed paper's scan: a PDF (checked by its header) or an image (sanitized)."""
    if data.startswith(PDF_MAGIC) or filename.lower().endswith(".pdf"):
        return pdf(data, folder, field=field)
    return image(data, folder, field=field)


def write_atomically(target: Path, data: bytes) -> None:
    """Write through a temporary file: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _delete(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # no row points at it any more: log, never fail a committed request
        log.exception("could not delete private file %s", path.name)


def save_after_commit(
    files: Iterable[PendingFile] = (), *, replaced: Iterable[str | None] = ()
) -> None:
    """Once the unit of work commits, write `files`, then delete the `replaced` paths.

    Paths are resolved now (inside the request). After the commit nothing is raised: the rows
    are already safe, so a failed write is logged, and the replaced files are then kept so that
    nothing else is lost until someone looks.
    """
    pending = [(absolute(f.relative), f.data) for f in files]
    old = [absolute(r) for r in replaced if r]
    if not pending and not old:
        return

    def run() -> None:
        written = True
        for target, data in pending:
            try:
                write_atomically(target, data)
            except OSError:
                written = False
                log.exception("could not write private file %s after commit", target.name)
        if written:
            for path in old:
                _delete(path)

    after_commit(run)


def delete_after_commit(*relatives: str | None) -> None:
    """Delete files once the unit of work commits (their rows no longer point at them)."""
    save_after_commit(replaced=relatives)
