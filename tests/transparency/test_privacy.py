"""DESIGN.md §6 on the transparency pages and downloads, with the full demo data: no trace,
proof, export, signed head or campaign tab names a child or gives a birth date, a guardian's
phone or an ethnicity."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.ledger.models import LedgerEntry
from campaigns.models import Campaign
from tests.fixtures.privacy import child_secrets, leaks
from tests.students.test_privacy import demo  # noqa: F401 - the fixture
from transparency.verification import services as verification


def _urls() -> list[str]:
    refs = db.session.execute(
        select(LedgerEntry.ref)
        .where(LedgerEntry.kind.in_(("donation", "in_kind")), LedgerEntry.ref != "")
        .distinct()
    ).scalars()
    slugs = db.session.execute(select(Campaign.slug)).scalars()
    student_seqs = db.session.execute(
        select(LedgerEntry.seq).where(
            LedgerEntry.destination.like("student:%") | LedgerEntry.source.like("student:%")
        )
    ).scalars()
    urls = [
        "/xac-minh",
        "/api/v1/ledger/head",
        "/api/v1/ledger/heads",
        "/api/v1/ledger/export.jsonl",
        "/api/v1/ledger/consistency?first=1",
    ]
    for ref in refs:
        urls += [f"/truy-vet/{ref}", f"/api/v1/trace/{ref}"]
    for slug in slugs:
        urls.append(f"/chien-dich/{slug}/minh-bach")
    for seq in student_seqs:
        urls += [f"/xac-minh/{seq}", f"/api/v1/ledger/proof/{seq}"]
    return urls


def test_no_transparency_page_or_download_names_a_child(app, demo):  # noqa: F811
    verification.sign_head()
    db.session.commit()
    secrets = child_secrets(demo)
    client = app.test_client()
    urls = _urls()
    seen = {"trace": 0, "tab": 0, "proof": 0}
    for url in urls:
        response = client.get(url, buffered=True)
        assert response.status_code == 200, url
        # Raw bytes: the API may write a name JSON-escaped (L\u00f2), the pages HTML-escaped.
        found = leaks(secrets, [response.get_data()])
        assert not found, f"{sorted(found)} appear on {url}"
        seen["trace"] += url.startswith("/api/v1/trace/")
        seen["tab"] += url.endswith("/minh-bach")
        seen["proof"] += url.startswith("/api/v1/ledger/proof/")
    assert seen["trace"] >= 5 and seen["tab"] >= 3 and seen["proof"] >= 5, seen
