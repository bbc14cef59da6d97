"""Allocation rounds: propose, approve (one transaction), refuse overspending, hand over."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from app import private_files, uow
from app.errors import Conflict, DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from students.quantity import parse_quantity
from students.rounds import handovers
from students.rounds import services as svc
from students.rounds.models import AllocationRound, Evidence, RoundStatus
from tests.conftest import login
from tests.fixtures.documents import pdf_bytes, pdf_text


def _entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def _proposed(people, campaign, units, students, lines):
    rnd = svc.create_round(
        people["manager"], campaign_id=campaign.id, title="Đợt thử", unit_id=units["a"].id
    )
    for student, asset, amount in lines:
        svc.add_line(
            people["manager"], rnd, student_public_id=student.public_id, asset=asset, amount=amount
        )
    svc.propose(people["manager"], rnd)
    db.session.commit()
    return rnd


def test_quantities_typed_by_people():
    assert parse_quantity("500.000", "VND") == 500_000
    assert parse_quantity("500k", "VND") == 500_000
    assert parse_quantity("12,5", "RICE_G") == 12_500
    assert parse_quantity("25 kg", "RICE_G") == 25_000
    assert parse_quantity("2", "BICYCLE") == 2
    for text, asset in [
        ("abc", "VND"),
        ("0", "RICE_G"),
        ("1,2345", "RICE_G"),
        ("1.5", "BICYCLE"),
        ("-2", "SUPPLY_SET"),
    ]:
        with pytest.raises(DomainError):
            parse_quantity(text, asset)


def test_approval_posts_campaign_to_student(people, campaign, units, make_student):
    a, b = make_student(full_name="Em Một"), make_student(full_name="Em Hai")
    rnd = _proposed(
        people,
        campaign,
        units,
        [a, b],
        [(a, "VND", 400_000), (b, "VND", 500_000), (b, "RICE_G", 10_000)],
    )
    svc.approve(people["treasurer"], rnd, "Đồng ý")
    db.session.commit()
    assert rnd.status == RoundStatus.approved
    assert ledger.balance(campaign.account, "VND") == 100_000
    assert (
        ledger.balance(b.account, "VND") == 500_000
        and ledger.balance(b.account, "RICE_G") == 10_000
    )
    entry = (
        db.session.execute(
            select(LedgerEntry).where(LedgerEntry.kind == "allocation").order_by(LedgerEntry.seq)
        )
        .scalars()
        .first()
    )
    assert (
        entry.ref == rnd.public_id and entry.idempotency_key == f"alloc:{rnd.id}:{rnd.lines[0].id}"
    )
    assert entry.source == campaign.account and entry.destination == a.account


def test_overspending_round_is_refused_whole_with_the_shortfall(
    people, campaign, units, make_student
):
    a, b = make_student(full_name="Em Một"), make_student(full_name="Em Hai")
    rnd = _proposed(
        people,
        campaign,
        units,
        [a, b],
        [(a, "VND", 600_000), (b, "VND", 300_000), (b, "RICE_G", 30_000)],
    )
    # The rice runs short after the proposal (10 kg go elsewhere): the approver is refused.
    ledger.post(
        source=campaign.account,
        destination="expense:bep-ban-tru",
        asset="RICE_G",
        amount=10_000,
        kind="expense",
        ref="TEST",
        idempotency_key="test:rice-out",
    )
    db.session.commit()
    before = _entries()
    with pytest.raises(DomainError) as err:
        svc.approve(people["treasurer"], rnd)
    db.session.rollback()
    message = err.value.message
    assert "cần 30 kg" in message and "còn 20 kg" in message and "thiếu 10 kg" in message
    assert _entries() == before
    db.session.refresh(rnd)
    assert rnd.status == RoundStatus.proposed
    assert ledger.balance(campaign.account, "VND") == 1_000_000


def test_proposer_cannot_approve_and_field_cannot_touch_rounds(
    people, campaign, units, make_student, make_user
):
    a = make_student()
    rnd = svc.create_round(
        people["admin"], campaign_id=campaign.id, title="Đợt do quản trị lập", unit_id=units["a"].id
    )
    svc.add_line(people["admin"], rnd, student_public_id=a.public_id, asset="VND", amount=100_000)
    svc.propose(people["admin"], rnd)
    with pytest.raises(Forbidden) as err:
        svc.approve(people["admin"], rnd)
    assert "không được tự duyệt" in err.value.message
    with pytest.raises(Forbidden):
        svc.get_round(make_user("field", "a"), rnd.public_id)
    with pytest.raises(Forbidden):
        svc.get_round(people["manager_b"], rnd.public_id)
    svc.approve(people["treasurer"], rnd)
    assert rnd.status == RoundStatus.approved


def test_lines_follow_the_rules(people, campaign, units, make_student, places):
    a = make_student()
    other = make_student(
        full_name="Em Huyện B", school_id=places["school_b"].id, unit_id=units["b"].id
    )
    rnd = svc.create_round(
        people["manager"], campaign_id=campaign.id, title="Đợt", unit_id=units["a"].id
    )
    with pytest.raises(Forbidden):
        svc.add_line(
            people["manager"], rnd, student_public_id=other.public_id, asset="VND", amount=1
        )
    svc.add_line(people["manager"], rnd, student_public_id=a.public_id, asset="VND", amount=10_000)
    with pytest.raises(Conflict):
        svc.add_line(
            people["manager"], rnd, student_public_id=a.public_id, asset="VND", amount=20_000
        )
    with pytest.raises(DomainError):
        svc.add_line(people["manager"], rnd, student_public_id=a.public_id, asset="GOLD", amount=1)
    with pytest.raises(Forbidden):
        svc.create_round(
            people["manager"], campaign_id=campaign.id, title="Đợt B", unit_id=units["b"].id
        )
    svc.propose(people["manager"], rnd)
    with pytest.raises(Conflict):
        svc.add_line(
            people["manager"], rnd, student_public_id=a.public_id, asset="RICE_G", amount=1000
        )
    svc.return_round(people["treasurer"], rnd, "Thiếu biên bản họp xét")
    assert rnd.status == RoundStatus.returned
    svc.remove_line(people["manager"], rnd, rnd.lines[0].id)
    with pytest.raises(DomainError):
        svc.propose(people["manager"], rnd)  # empty


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh thử"
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 2.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_handover_posts_to_world_and_strips_exif(people, campaign, units, make_student, app):
    a, b = make_student(full_name="Em Một"), make_student(full_name="Em Hai")
    rnd = _proposed(people, campaign, units, [a, b], [(a, "VND", 300_000), (b, "RICE_G", 5_000)])
    svc.approve(people["treasurer"], rnd)
    photo = _jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif()
    first = handovers.record_handover(
        people["treasurer"],
        rnd,
        line_ids=[rnd.lines[0].id],
        handed_on=date.today(),
        place="Nhà văn hoá xã",
        method="cash",
        handed_by="Bí thư xã",
        photos=[photo],
        signed_list=(pdf_bytes("test"), "ky-nhan.pdf"),
    )
    uow.commit()  # the evidence files are written after the commit
    assert ledger.balance(a.account, "VND") == 0 and rnd.status == RoundStatus.approved
    stored = [e for e in first.evidence if e.kind == "photo"][0]
    path = private_files.absolute(stored.path)
    assert str(path).startswith(app.config["PRIVATE_FOLDER"]) and path.is_file()
    assert not Image.open(path).getexif()
    with pytest.raises(DomainError):  # the same line twice
        handovers.record_handover(
            people["treasurer"],
            rnd,
            line_ids=[rnd.lines[0].id],
            handed_on=date.today(),
            place="x",
            method="cash",
            handed_by="y",
        )
    db.session.rollback()
    handovers.record_handover(
        people["treasurer"],
        rnd,
        line_ids=[rnd.lines[1].id],
        handed_on=date.today(),
        place="Điểm trường",
        method="goods",
        handed_by="Thủ quỹ",
    )
    db.session.commit()
    assert rnd.status == RoundStatus.completed
    entry = (
        db.session.execute(
            select(LedgerEntry)
            .where(LedgerEntry.kind == "disbursement")
            .order_by(LedgerEntry.seq.desc())
        )
        .scalars()
        .first()
    )
    assert entry.destination == "world" and entry.idempotency_key.startswith("handover:")


def test_handover_refuses_a_file_that_is_not_an_image(people, campaign, units, make_student):
    a = make_student()
    rnd = _proposed(people, campaign, units, [a], [(a, "VND", 100_000)])
    svc.approve(people["treasurer"], rnd)
    db.session.commit()
    before = _entries()
    with pytest.raises(DomainError) as err:
        handovers.record_handover(
            people["treasurer"],
            rnd,
            line_ids=[rnd.lines[0].id],
            handed_on=date.today(),
            place="Xã",
            method="cash",
            handed_by="Ai đó",
            photos=[b"MZ\x90\x00 not an image"],
        )
    db.session.rollback()
    assert "ảnh" in err.value.message
    assert _entries() == before
    assert db.session.execute(select(func.count(Evidence.id))).scalar_one() == 0


def test_round_pages_signoff_lists_and_money_guard(
    client, people, campaign, units, make_student, make_user
):
    a = make_student(full_name="Lường Thị Ký")
    rnd = _proposed(people, campaign, units, [a], [(a, "RICE_G", 12_500)])
    login(client, people["treasurer"])
    page = client.get(f"/quan-tri/dot-trao/{rnd.public_id}").get_data(as_text=True)
    assert "Lường Thị Ký" in page and "Duyệt" in page
    pdf = client.get(f"/quan-tri/dot-trao/{rnd.public_id}/ky-nhan.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Lường Thị Ký" in text and "12,5 kg gạo" in text, text
    xlsx = client.get(f"/quan-tri/dot-trao/{rnd.public_id}/ky-nhan.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert (
        "Lường Thị Ký" in values
        and "12,5 kg gạo" in values
        and "Ký nhận (HS / người giám hộ)" in values
    )
    response = client.post(f"/quan-tri/dot-trao/{rnd.public_id}/duyet", data={"note": ""})
    assert response.status_code == 302
    assert ledger.balance(a.account, "RICE_G") == 12_500
    field_client = client.application.test_client()
    login(field_client, make_user("field", "a"))
    assert field_client.get(f"/quan-tri/dot-trao/{rnd.public_id}").status_code == 403
    assert field_client.get(f"/quan-tri/dot-trao/{rnd.public_id}/ky-nhan.pdf").status_code == 403


def test_overspend_through_the_page_shows_the_message(
    client, people, campaign, units, make_student
):
    a = make_student()
    rnd = svc.create_round(
        people["manager"], campaign_id=campaign.id, title="Đợt quá sức", unit_id=units["a"].id
    )
    svc.add_line(
        people["manager"], rnd, student_public_id=a.public_id, asset="VND", amount=2_000_000
    )
    db.session.commit()
    login(client, people["manager"])
    page = client.get(f"/quan-tri/dot-trao/{rnd.public_id}").get_data(as_text=True)
    assert "1.000.000" in page and "thiếu 1.000.000" in page  # the balance while building
    # Proposing more than the campaign holds is refused at once, the shortfall named.
    response = client.post(
        f"/quan-tri/dot-trao/{rnd.public_id}/gui-duyet", data={}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "không đủ" in text and "thiếu 1.000.000" in text
    db.session.refresh(rnd)
    assert rnd.status == RoundStatus.draft
    assert ledger.balance(a.account, "VND") == 0


def _evidence_files(app) -> set[Path]:
    folder = Path(app.config["PRIVATE_FOLDER"]) / handovers.EVIDENCE_FOLDER
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def _post_handover(client, rnd, photos, signed):
    data = {
        "handed_on": date.today().isoformat(),
        "place": "Nhà văn hoá xã",
        "method": "cash",
        "handed_by": "Bí thư xã",
        "lines": [str(ln.id) for ln in rnd.lines],
        "photos": [(io.BytesIO(p), f"anh{i}.jpg") for i, p in enumerate(photos)],
    }
    if signed is not None:
        data["signed_list"] = (io.BytesIO(signed[0]), signed[1])
    return client.post(
        f"/quan-tri/dot-trao/{rnd.public_id}/trao", data=data, content_type="multipart/form-data"
    )


def test_a_refused_or_failed_handover_leaves_no_evidence_file(
    app, client, people, campaign, units, make_student, monkeypatch
):
    a = make_student()
    rnd = _proposed(people, campaign, units, [a], [(a, "VND", 100_000)])
    svc.approve(people["treasurer"], rnd)
    db.session.commit()
    login(client, people["treasurer"])
    before, entries = _evidence_files(app), _entries()

    # A good photo, then a "PDF" that is not one in the same form: nothing at all is written.
    response = _post_handover(client, rnd, [_jpeg_with_gps()], (b"MZ not a pdf", "ky.pdf"))
    assert response.status_code == 422
    assert "không phải là PDF" in response.get_data(as_text=True)

    # Every file is good but the request fails after them: still nothing.
    def refuse(*_args, **_kwargs):
        raise Conflict("Hỏng giữa chừng (thử).")

    monkeypatch.setattr(handovers, "record", refuse)
    response = _post_handover(client, rnd, [_jpeg_with_gps()], (pdf_bytes("ky"), "ky.pdf"))
    assert "Hỏng giữa chừng" in response.get_data(as_text=True)
    assert _evidence_files(app) == before and _entries() == entries
    assert db.session.execute(select(func.count(Evidence.id))).scalar_one() == 0

    # Rolled back in code: the queued files are forgotten.
    monkeypatch.undo()
    db.session.expire_all()
    handovers.record_handover(
        people["treasurer"],
        db.session.get(AllocationRound, rnd.id),
        line_ids=[rnd.lines[0].id],
        handed_on=date.today(),
        place="Xã",
        method="cash",
        handed_by="Ai đó",
        photos=[_jpeg_with_gps()],
    )
    uow.rollback()
    uow.commit()
    assert _evidence_files(app) == before


def test_a_recorded_handover_writes_exactly_its_evidence_files(
    app, client, people, campaign, units, make_student
):
    a = make_student()
    rnd = _proposed(people, campaign, units, [a], [(a, "VND", 100_000)])
    svc.approve(people["treasurer"], rnd)
    db.session.commit()
    login(client, people["treasurer"])
    before = _evidence_files(app)
    pdf = pdf_bytes("danh sach ky nhan")
    response = _post_handover(client, rnd, [_jpeg_with_gps()], (pdf, "ky.pdf"))
    assert response.status_code == 302, response.data[:500]
    db.session.expire_all()
    evidence = list(db.session.execute(select(Evidence).order_by(Evidence.id)).scalars())
    assert [e.kind for e in evidence] == ["photo", "signed_list"]
    written = _evidence_files(app) - before
    assert {p.name for p in written} == {e.path.rsplit("/", 1)[-1] for e in evidence}
    assert len(written) == 2
    scan = client.get(f"/quan-tri/dot-trao/minh-chung/{evidence[1].id}")
    assert scan.status_code == 200 and scan.data == pdf and scan.mimetype == "application/pdf"
    photo = client.get(f"/quan-tri/dot-trao/minh-chung/{evidence[0].id}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(photo.data)).getexif()
