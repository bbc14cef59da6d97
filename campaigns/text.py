"""Text helpers: safe Markdown for stories and updates, slugs from Vietnamese titles."""

from __future__ import annotations

import re
import unicodedata

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "hr",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,68}[a-z0-9])$")


def render_markdown(text: str) -> Markup:
    """Markdown to HTML with scripts, event handlers, styles and images-by-URL removed."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def plain_excerpt(text: str, length: int = 200) -> str:
    """Markdown reduced to plain text, for meta descriptions."""
    plain = nh3.clean(markdown.markdown(text or ""), tags=set())
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1].rsplit(" ", 1)[0] + "…"


def slugify(title: str) -> str:
    """'Hũ gạo tiếp sức đến trường' -> 'hu-gao-tiep-suc-den-truong' (at most 70 characters)."""
    text = unicodedata.normalize("NFKD", (title or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:70].rstrip("-")
