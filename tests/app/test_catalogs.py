"""Every message used in code and templates has English, and every catalog is compiled."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch

from app import catalogs


def test_every_catalog_is_complete_and_compiled() -> None:
    problems = catalogs.check()
    assert not problems, "\n".join(str(p) for p in problems) + (
        "\n(run `make catalogs`, fill in the English, then `make translations`)"
    )


def test_every_file_with_messages_feeds_a_catalog() -> None:
    """A new package or template folder outside every mapping file would escape the check."""
    patterns = []
    for mapping in catalogs.CATALOGS.values():
        with (catalogs.ROOT / mapping).open(encoding="utf-8") as stream:
            method_map, _options = parse_mapping_cfg(stream)
        patterns += [pattern for pattern, _method in method_map]
    unmapped = []
    for folder in ("app", "campaigns", "donations", "students", "transparency", "templates"):
        for path in sorted((catalogs.ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html", ".txt"):
                continue
            text = path.read_text(encoding="utf-8")
            if "_(" not in text and "_l(" not in text:
                continue
            name = path.relative_to(catalogs.ROOT).as_posix()
            if not any(pathmatch(pattern, name) for pattern in patterns):
                unmapped.append(name)
    assert not unmapped


PO_HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: en\\n"

"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A tiny package: code and a template using four msgids, and its mapping file."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "rules.py").write_text(
        textwrap.dedent(
            """\
            from flask_babel import gettext as _, lazy_gettext as _l

            GREETING = _l("Xin chào")
            def bye(n):
                return _("Tạm biệt %(n)s bạn", n=n)
            LATE = _l("Đến muộn")
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "templates" / "pkg").mkdir(parents=True)
    (tmp_path / "templates" / "pkg" / "page.html").write_text(
        "<h1>{{ _('Trang chủ') }}</h1>", encoding="utf-8"
    )
    (tmp_path / "babel-pkg.cfg").write_text(
        "[python: pkg/**.py]\n[jinja2: templates/pkg/**.html]\n", encoding="utf-8"
    )
    folder = tmp_path / "pkg" / "translations" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        PO_HEADER
        + textwrap.dedent(
            """\
            msgid "Xin chào"
            msgstr "Hello"

            msgid "Tạm biệt %(n)s bạn"
            msgstr ""

            #, fuzzy
            msgid "Đến muộn"
            msgstr "Late?"
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_the_check_names_what_is_missing_empty_fuzzy_and_not_compiled(package: Path) -> None:
    mapping = {"pkg/translations": "babel-pkg.cfg"}
    found = {(p.what, p.msgid) for p in catalogs.check(package, mapping)}
    assert found == {
        ("missing", "Trang chủ"),
        ("empty", "Tạm biệt %(n)s bạn"),
        ("fuzzy", "Đến muộn"),
        ("not compiled", ""),
    }
    problem = next(p for p in catalogs.check(package, mapping) if p.msgid == "Trang chủ")
    assert "templates/pkg/page.html:1" in str(problem)


def test_compiling_writes_the_mo_and_a_changed_po_is_stale_again(package: Path) -> None:
    mapping = {"pkg/translations": "babel-pkg.cfg"}
    po = package / "pkg" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    assert catalogs.compile_catalogs(package, mapping) == [po.with_suffix(".mo")]
    assert catalogs.compile_catalogs(package, mapping) == []  # up to date: nothing to do
    assert "not compiled" not in {p.what for p in catalogs.check(package, mapping)}
    later = po.with_suffix(".mo").stat().st_mtime + 10
    os.utime(po, (later, later))
    assert "stale" in {p.what for p in catalogs.check(package, mapping)}
