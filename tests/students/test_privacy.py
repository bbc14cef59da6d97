"""DESIGN.md §6: with the full demo data, no public page or API response names a child."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.demo import seed_all
from app.extensions import db
from students.care.models import ConsentScope
from students.demo import DEMO_SPONSOR_LINK
from students.privacy import public_label, public_view
from tests.fixtures.privacy import child_secrets, leaks, mark_ethnicities
from tests.fixtures.students import public_urls


@pytest.fixture
def demo(app):
    seed_all(lambda _msg: None)
    students = mark_ethnicities(db.session)
    db.session.commit()
    return students


def test_no_public_page_or_api_names_a_child(app, demo):
    assert len(demo) >= 55
    secrets = child_secrets(demo)
    client = app.test_client()
    seen = 0
    for url in public_urls(app):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        seen += 1
        # Raw bytes: the API's JSON writes "ò" as "\\u00f2", which leaks() also looks for.
        assert not leaks(secrets, [response.data]), url
    assert seen >= 5
    sponsor_page = client.get(f"/do-dau/{DEMO_SPONSOR_LINK}")
    assert sponsor_page.status_code == 200


def test_public_output_follows_current_consent(app, demo):
    by_scope = {}
    for s in demo:
        consent = s.consents[-1] if s.consents else None
        by_scope.setdefault(consent.scope if consent else None, s)
    nothing = by_scope[None]
    assert public_view(nothing) is None and public_label(nothing) == nothing.public_id
    basic = by_scope[ConsentScope.basic]
    view = public_view(basic)
    assert view["first_name"] is None and view["photo"] is False
    assert view["grade"] == basic.grade and view["school"] == basic.school.name
    assert basic.full_name.split()[-1] not in public_label(basic).split(" · ")[0]
    named = by_scope[ConsentScope.named]
    assert public_view(named)["first_name"] == named.full_name.split()[-1]
    assert public_view(named)["photo"] is False  # no photo stored, none shown


def _statement_texts(client) -> dict[str, str]:
    """Every page of the public statement, its API and both downloads, as text."""
    import io
    import json

    from openpyxl import load_workbook

    texts = {}
    cursor, n = None, 0
    while True:
        args = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        response = client.get("/api/v1/ledger", query_string=args)
        assert response.status_code == 200
        body = response.get_json()
        texts[f"api {n}"] = json.dumps(body, ensure_ascii=False)
        cursor, n = body["next_cursor"], n + 1
        if cursor is None:
            break
    cursor, n = None, 0
    while True:
        response = client.get("/sao-ke", query_string={"cursor": cursor} if cursor else {})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        texts[f"page {n}"] = html
        found = re.search(r'rel="next" href="[^"]*cursor=(\d+)', html)
        if not found:
            break
        cursor, n = found.group(1), n + 1
    texts["csv"] = client.get("/sao-ke/tai-ve.csv").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/sao-ke/tai-ve.xlsx").get_data())).active
    texts["xlsx"] = "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(values_only=True)
    )
    return texts


def test_statement_api_and_downloads_name_no_child(app, demo):
    from transparency.statement import bulk

    secrets = child_secrets(demo)
    names = [s.full_name for s in demo[:20]]
    # The demo data and a synthetic ledger on top (the benchmarks' data, smaller).
    bulk.build(300, chunk=100, checkpoint=db.session.commit)
    db.session.commit()
    client = app.test_client()
    texts = _statement_texts(client)
    assert len(texts) >= 4 and "HS-" in texts["csv"]  # beneficiaries appear by public id
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} appears in the statement ({where})"
    # Nor can a child be found by name: only public labels are searched.
    from app.text import strip_diacritics

    for name in names:
        for q in (name, strip_diacritics(name).lower()):
            body = client.get("/api/v1/ledger", query_string={"q": q}).get_json()
            # A donor may share a child's name; no entry of a child's account is found.
            for entry in body["entries"]:
                accounts = (entry["source"], entry["destination"])
                assert not any(a.startswith("student:") for a in accounts), (q, entry)


def test_activity_photos_are_public_only_when_marked_and_allowed(app, demo):
    from students.activities.models import Activity
    from students.activities.photos import ActivityPhoto

    photos = list(db.session.execute(select(ActivityPhoto)).scalars())
    assert {p.shown_publicly for p in photos} == {True, False}  # the demo has both
    client = app.test_client()
    pages = {
        a.campaign.slug: client.get(f"/chien-dich/{a.campaign.slug}").text
        for a in db.session.execute(select(Activity)).scalars()
        if a.campaign is not None
    }
    listed = " ".join(pages.values())
    for photo in photos:
        response = client.get(f"/hoat-dong/anh/{photo.id}")
        if photo.shown_publicly:
            assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        else:
            assert response.status_code == 404, photo.caption
            assert f'/hoat-dong/anh/{photo.id}"' not in listed
