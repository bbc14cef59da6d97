"""The English catalogs: compile them (an install step) and check them against the code.

Each package keeps its catalog in `<package>/translations` and names what it extracts in a
mapping file beside babel.cfg (`babel-<package>.cfg`); the core's is `translations/`, mapped by
`babel-core.cfg`. `python -m app.catalogs` compiles every catalog without starting the app (the
Makefile's install step); `flask translations compile` and `flask translations check` do the
same from the application's command line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
# Catalog folder → the mapping file that says which code and templates feed it.
CATALOGS = {
    "translations": "babel-core.cfg",
    "campaigns/translations": "babel-campaigns.cfg",
    "donations/translations": "babel-donations.cfg",
    "students/translations": "babel-students.cfg",
    "transparency/translations": "babel-transparency.cfg",
}
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, said so that a developer knows what to do."""

    catalog: str
    what: str  # "missing", "empty", "fuzzy", "not compiled", "stale"
    msgid: str = ""
    where: str = ""

    def __str__(self) -> str:
        place = f" ({self.where})" if self.where else ""
        if self.msgid:
            return f"{self.catalog}: {self.what} {self.msgid!r}{place}"
        return f"{self.catalog}: {self.what}{place}"


def po_files(root: Path = ROOT, catalogs: dict[str, str] | None = None) -> Iterator[Path]:
    """Every messages.po of every catalog, in every language."""
    for folder in catalogs or CATALOGS:
        yield from sorted((root / folder).glob("*/LC_MESSAGES/messages.po"))


def compile_catalogs(
    root: Path = ROOT, catalogs: dict[str, str] | None = None, *, force: bool = False
) -> list[Path]:
    """Write each .mo that is missing or older than its .po; returns the files written."""
    written = []
    for po_path in po_files(root, catalogs):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as stream:
            catalog = read_po(stream)
        # Fuzzy entries stay out of the compiled file: a guess must not reach a reader.
        with mo_path.open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


def used_msgids(mapping: Path, root: Path = ROOT) -> dict[str | tuple[str, str], str]:
    """msgid (or (msgid, context)) → first place it is used, for the code and templates a
    mapping file names."""
    with mapping.open(encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream, str(mapping))
    found: dict[str | tuple[str, str], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault((msgid, context) if context else msgid, f"{filename}:{lineno}")
    return found


def check(
    root: Path = ROOT, catalogs: dict[str, str] | None = None, language: str = "en"
) -> list[Problem]:
    """What is wrong: msgids used without a finished entry, catalogs not (re)compiled."""
    problems: list[Problem] = []
    for folder, mapping in (catalogs or CATALOGS).items():
        po_path = root / folder / language / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(Problem(folder, "missing", where=str(po_path.relative_to(root))))
            continue
        with po_path.open("rb") as stream:
            catalog = read_po(stream)
        for key, where in used_msgids(root / mapping, root).items():
            msgid, context = key if isinstance(key, tuple) else (key, None)
            entry = catalog.get(msgid, context)
            if entry is None:
                problems.append(Problem(folder, "missing", msgid, where))
            elif entry.fuzzy:
                problems.append(Problem(folder, "fuzzy", msgid, where))
            elif not (entry.string if isinstance(entry.string, str) else all(entry.string or ())):
                problems.append(Problem(folder, "empty", msgid, where))
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(Problem(folder, "not compiled", where="run `make install`"))
        elif mo_path.stat().st_mtime < po_path.stat().st_mtime:
            problems.append(Problem(folder, "stale", where="the .po is newer than its .mo"))
    return problems


@click.group("translations")
def cli() -> None:
    """The English catalogs."""


@cli.command("compile")
@click.option("--force", is_flag=True, help="Rewrite every .mo, even those up to date.")
def compile_command(force: bool) -> None:
    """Compile the catalogs (.po → .mo): a deploy step, before the app serves pages."""
    written = compile_catalogs(force=force)
    click.echo(f"{len(written)} catalogs compiled." if written else "Catalogs up to date.")


@cli.command("check")
def check_command() -> None:
    """List msgids without an English entry and catalogs not compiled; exit 1 if any."""
    problems = check()
    for problem in problems:
        click.echo(str(problem))
    if problems:
        sys.exit(1)
    click.echo("Every catalog is complete and compiled.")


def register(app: Flask) -> None:
    """Add `flask translations …`."""
    app.cli.add_command(cli)


if __name__ == "__main__":
    done = compile_catalogs(force="--force" in sys.argv)
    print(f"{len(done)} catalogs compiled." if done else "Catalogs up to date.")
