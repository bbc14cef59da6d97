"""Every stylesheet, script and image a template or a module asks `url_for('static', …)` for
exists in static/: a renamed file must not leave a page unstyled (css/transparency.css did)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
SOURCES = ("templates", "app", "campaigns", "donations", "students", "transparency")
# url_for('static', filename='css/site.css') in either quoting, with or without spaces.
LINK = re.compile(r"""url_for\(\s*["']static["']\s*,\s*filename\s*=\s*(?P<arg>[^,)]+)""")
LITERAL = re.compile(r"""^["']([^"'{}]+)["']$""")
# A literal /static/… address written by hand (it bypasses url_for's cache-busting).
HARD = re.compile(r"""["'(]/static/([^"'?#)\s]+)""")


def _sources() -> list[Path]:
    files = []
    for folder in SOURCES:
        for pattern in ("*.html", "*.txt", "*.xml", "*.py", "*.js"):
            files += (ROOT / folder).rglob(pattern)
    return sorted(files)


def _links() -> list[tuple[str, str]]:
    """(place, filename) for every static link; a filename that is not a literal is its own
    problem ("dynamic: …") so that nothing escapes the check unseen."""
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in LINK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            place = f"{path.relative_to(ROOT)}:{line}"
            arg = match.group("arg").strip()
            literal = LITERAL.match(arg)
            found.append((place, literal.group(1) if literal else f"dynamic: {arg}"))
        for match in HARD.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(ROOT)}:{line}", match.group(1)))
    return found


def test_the_check_sees_the_templates_links():
    files = {name for _place, name in _links()}
    assert {"css/site.css", "js/site.js", "css/statement.css", "css/transparency.css"} <= files


def test_every_static_link_names_a_file_that_exists():
    missing = [
        f"{place} → static/{name}"
        for place, name in _links()
        if name.startswith("dynamic: ") or not (STATIC / name).is_file()
    ]
    assert not missing, "static links to no file:\n" + "\n".join(missing)


def test_stylesheets_refer_only_to_files_that_exist():
    missing = []
    for css in STATIC.rglob("*.css"):
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", css.read_text()):
            if ref.startswith(("data:", "http:", "https:", "#")):
                continue
            if not (css.parent / ref).resolve().is_file():
                missing.append(f"{css.relative_to(ROOT)} → {ref}")
    assert not missing, "\n".join(missing)


def test_the_pages_serve_the_stylesheets_they_link(client, campaign):
    """The transparency pages, rendered: each stylesheet they link answers 200."""
    for url in ("/xac-minh", f"/chien-dich/{campaign.slug}/minh-bach", "/sao-ke"):
        html = client.get(url).get_data(as_text=True)
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert sheets, url
        for sheet in sheets:
            assert client.get(sheet).status_code == 200, f"{url} links {sheet}"
