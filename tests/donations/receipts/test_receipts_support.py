"""Helpers for receipt tests (no tests here): a real SMTP server and a PDF text reader."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import zlib
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

_OBJ_RE = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM_RE = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", re.S)


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on loopback; yields (inbox, port)."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ_RE.finditer(data)}


def _stream(obj: bytes) -> bytes:
    match = _STREAM_RE.search(obj)
    if match is None:
        return b""
    raw = match.group(2)
    return zlib.decompress(raw) if b"FlateDecode" in match.group(1) else raw


def _cmap(data: bytes) -> dict[bytes, str]:
    mapping: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[bytes.fromhex(src.decode())] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    return mapping


def _literal_strings(content: bytes):
    """(font name, bytes of each literal string shown with Tj), in order."""
    font = b""
    i = 0
    while i < len(content):
        if content[i : i + 1] == b"/":
            match = re.match(rb"/(\w+)\s+[\d.]+\s+Tf", content[i:])
            if match:
                font = match.group(1)
                i += match.end()
                continue
        if content[i : i + 1] == b"(":
            out = bytearray()
            i += 1
            escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
            while content[i : i + 1] != b")":
                ch = content[i : i + 1]
                if ch == b"\\":
                    nxt = content[i + 1 : i + 2]
                    out += escapes.get(nxt, nxt)
                    i += 2
                    continue
                out += ch
                i += 1
            yield font, bytes(out)
        i += 1


def pdf_text(data: bytes) -> str:
    """The text of a PDF written by fpdf2 with embedded TrueType fonts (one line per show)."""
    objects = _objects(data)
    fonts: dict[bytes, dict[bytes, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
            font_obj = objects.get(int(ref), b"")
            uni = re.search(rb"/ToUnicode (\d+) 0 R", font_obj)
            if uni:
                fonts[name] = _cmap(_stream(objects[int(uni.group(1))]))
    lines = []
    for body in objects.values():
        content = _stream(body)
        if b"Tj" not in content:
            continue
        for font, raw in _literal_strings(content):
            mapping = fonts.get(font, {})
            lines.append("".join(mapping.get(raw[k : k + 2], "?") for k in range(0, len(raw), 2)))
    return "\n".join(lines)
