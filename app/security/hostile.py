"""Hostile input never gives a 500 (docs/security.md, "Hostile input").

- Integers in URLs are bounded: `<int:id>` beyond a 32-bit row id is a 404, not a
  database overflow.
- JSON bodies on the API and webhooks are bounded in size and nesting before any view parses
  them: Python's parser raises RecursionError (a 500) on a 100,000-deep array.
"""

from __future__ import annotations

import re

from flask import Flask, jsonify, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

# Row ids are INTEGER columns (32 bits on PostgreSQL): a larger id names no row, and sending it
# would make PostgreSQL refuse the query ("integer out of range") — a 500 instead of a 404.
ID_MAX = 2**31 - 1
JSON_PATHS = ("/api/", "/webhooks/")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only what an INTEGER column can hold (others are a 404)."""

    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it."""
    if raw.count(b"[") + raw.count(b"{") < 32:
        return 0  # cannot be deep: the common case costs two counts
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


def install_converters(app: Flask) -> None:
    """Bounded integers in URLs (call before any route is added)."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_app(app: Flask) -> None:
    """The JSON body guard (limits in JSON_MAX_BYTES, JSON_MAX_DEPTH)."""
    app.config.setdefault("JSON_MAX_BYTES", 1024 * 1024)
    app.config.setdefault("JSON_MAX_DEPTH", 32)

    @app.before_request
    def _page_guard() -> None:
        """?page= (and ?per_page=) that is not a sane number is dropped: page 1, as typed junk
        always was. Flask-SQLAlchemy's paginate reads ?page= itself, and 25 digits would
        overflow the database's OFFSET.
        """
        args = request.args
        bad = [
            name
            for name in ("page", "per_page")
            if name in args and not (args[name].isdigit() and len(args[name]) <= 6)
        ]
        if bad:
            kept = [(k, v) for k, v in args.items(multi=True) if k not in bad]
            request.args = ImmutableMultiDict(kept)  # cached property

    @app.before_request
    def _json_guard():
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        json_like = request.path.startswith(JSON_PATHS) or request.is_json
        if not json_like:
            return None
        length = request.content_length
        limit = int(app.config["JSON_MAX_BYTES"])
        if length is not None and length > limit:
            return _refuse(413, "too_large", f"Nội dung quá lớn (tối đa {limit} byte).")
        raw = request.get_data(cache=True)
        if len(raw) > limit:
            return _refuse(413, "too_large", f"Nội dung quá lớn (tối đa {limit} byte).")
        if json_depth(raw) > int(app.config["JSON_MAX_DEPTH"]):
            return _refuse(400, "too_deep", "JSON lồng nhau quá sâu.")
        return None
