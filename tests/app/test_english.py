"""English where it was missing: service messages, stored notes and audit summaries."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app import stored_text
from app.audit import service as audit
from app.extensions import db
from campaigns import services as campaigns
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, TxStatus
from donations.pledges.refcode import PREFIX, check_char

UNKNOWN = f"{PREFIX}7K3F9QX{check_char('7K3F9QX')}"  # a well-formed code of no pledge

FORM = {
    "title": "Xe đạp đến trường",
    "summary": "50 xe đạp cho học sinh xa trường.",
    "story_md": "",
    "kind": "transport",
    "starts_on": "2026-09-01",
    "ends_on": "",
    "save": "1",
}


def _campaign(units, slug: str = "xe-dap") -> Campaign:
    campaign = Campaign(
        slug=slug,
        title="Xe đạp",
        kind=CampaignKind.transport,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 1, 1),
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def test_a_campaign_form_error_in_the_readers_language(client, login_as, units):
    _campaign(units, "xe-dap")
    login_as("admin")
    data = {**FORM, "slug": "xe-dap", "unit_id": str(units["a"].id)}
    english = client.post("/quan-tri/chien-dich/moi?lang=en", data=data)
    assert english.status_code == 422
    assert "Another campaign already uses this address." in english.get_data(as_text=True)
    vietnamese = client.post("/quan-tri/chien-dich/moi", data=data)
    assert "Đường dẫn này đã được một chiến dịch khác dùng." in vietnamese.get_data(as_text=True)
    # The switch remembers the choice for the following pages.
    client.get("/ngon-ngu/en")
    long_title = client.post(
        "/quan-tri/chien-dich/moi", data={**data, "slug": "", "title": "Dài " * 60}
    )
    assert "Campaign name can be at most 160 characters long (now 239)." in long_title.get_data(
        as_text=True
    )


def test_a_matching_note_is_stored_once_and_shown_in_each_language(client, login_as, units):
    _campaign(units)
    tx, _created = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="en-1",
            amount=120_000,
            memo=f"{UNKNOWN} ung ho",
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=current_app.config["BANK_ACCOUNT_NUMBER"],
        )
    )
    db.session.commit()
    assert tx.status == TxStatus.review
    # The column keeps Vietnamese (search, exports); the message is kept beside it.
    assert tx.note == f"Mã {UNKNOWN} không thuộc cam kết ủng hộ nào."
    assert tx.note_msg == {
        "id": "Mã %(codes)s không thuộc cam kết ủng hộ nào.",
        "params": {"codes": UNKNOWN},
    }
    login_as("treasurer")
    english = client.get("/quan-tri/ung-ho/giao-dich?lang=en").get_data(as_text=True)
    assert f"Code {UNKNOWN} belongs to no pledge." in english
    vietnamese = client.get("/quan-tri/ung-ho/giao-dich").get_data(as_text=True)
    assert f"Mã {UNKNOWN} không thuộc cam kết ủng hộ nào." in vietnamese


def test_notes_written_before_the_change_still_read(client, login_as, units):
    """Old rows have only the Vietnamese text: a whole msgid is translated, the rest shown."""
    for n, note in enumerate(
        ["Nội dung chuyển khoản không có mã ủng hộ hợp lệ.", "Mã TSOLD0001 không thuộc ai."]
    ):
        db.session.add(
            BankTransaction(
                provider="sepay",
                provider_id=f"old-{n}",
                amount=50_000,
                occurred_at=datetime(2026, 1, 2, 3, tzinfo=UTC),
                dedupe_key=f"old|{n}",
                status=TxStatus.review,
                note=note,
            )
        )
    db.session.commit()
    login_as("treasurer")
    english = client.get("/quan-tri/ung-ho/giao-dich?lang=en").get_data(as_text=True)
    assert "The transfer memo has no valid donation code." in english
    assert "Mã TSOLD0001 không thuộc ai." in english


def test_audit_summaries_follow_the_reader(client, login_as, make_user, units):
    admin = make_user("admin")
    campaigns.create_campaign(
        admin,
        title="Hũ gạo",
        slug="hu-gao",
        summary="Gạo cho bếp bán trú.",
        kind="rice_jar",
        unit_id=units["a"].id,
        starts_on=date(2026, 9, 1),
    )
    db.session.commit()
    login_as("admin")
    assert "Created campaign Hũ gạo" in client.get("/quan-tri/nhat-ky/?lang=en").get_data(
        as_text=True
    )
    assert "Tạo chiến dịch Hũ gạo" in client.get("/quan-tri/nhat-ky/").get_data(as_text=True)


def test_stored_messages_nest_and_format_amounts_for_the_reader(app, make_user):
    message = _l(
        "%(asset)s: cần %(need)s, quỹ còn %(have)s, thiếu %(missing)s",
        asset=_l("Gạo"),
        need=stored_text.quantity(12_500, "RICE_G"),
        have=stored_text.quantity(2_000, "RICE_G"),
        missing=stored_text.vnd(1_500_000),
    )
    frozen = stored_text.freeze(message)
    with force_locale("en"):  # the text stored is Vietnamese whoever wrote it
        assert stored_text.vietnamese(message) == (
            "Gạo: cần 12,5 kg gạo, quỹ còn 2 kg gạo, thiếu 1.500.000 ₫"
        )
        assert stored_text.display(frozen, "…") == (
            "Rice: needs 12.5 kg rice, the fund has 2 kg rice, ₫1,500,000 short"
        )
    entry = audit.record(make_user("admin"), "test.note", summary=message)
    assert entry.summary.startswith("Gạo: cần 12,5 kg gạo") and entry.summary_msg == frozen
    assert stored_text.display(None, "chữ người gõ") == "chữ người gõ"
    assert stored_text.freeze("chữ người gõ") is None


def test_a_statement_preview_explains_skipped_rows_in_english(client, login_as, units):
    login_as("treasurer")
    statement = (
        "Ngày GD,Nội dung,Ghi nợ,Ghi có\n"
        "20/11/2026,ung ho,,200000\n"
        "20/11/2026,rut tien,50000,\n"
        "hôm qua,ung ho,,100000\n"
    ).encode()
    client.get("/ngon-ngu/en")
    # The upload is imported by a job; its page lists the skipped rows.
    response = client.post(
        "/quan-tri/ung-ho/sao-ke",
        data={"file": (io.BytesIO(statement), "sao-ke.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Import finished" in text
    assert "Debit transaction (money out), skipped" in text
    assert "Cannot read the transaction date: «hôm qua»" in text
    refused = client.post(
        "/quan-tri/ung-ho/sao-ke?lang=en",
        data={"file": (io.BytesIO(b"%PDF-1.4 ..."), "sao-ke.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert (
        "The file «sao-ke.csv» is not a valid CSV text file: it is a PDF file."
        in refused.get_data(as_text=True)
    )
