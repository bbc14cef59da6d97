"""Building a round: the balance on screen, filters, many at once, no student twice,
rounds held by other proposals, the sign-off list's guardian and total, managers hand over."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from app.extensions import db
from students.rounds import services as svc
from students.rounds.models import RoundStatus
from students.rounds.signoff import pdf as signoff_pdf
from students.rounds.signoff import xlsx as signoff_xlsx
from tests.conftest import login
from tests.fixtures.documents import pdf_text


def _round(people, campaign, units, title="Đợt xây dựng"):
    rnd = svc.create_round(
        people["manager"], campaign_id=campaign.id, title=title, unit_id=units["a"].id
    )
    db.session.commit()
    return rnd


def test_filters_add_many_and_never_offer_a_student_twice(
    client, people, campaign, units, make_student
):
    grade6 = make_student(full_name="Em Lớp Sáu", grade=6, class_name="6A")
    grade7 = make_student(full_name="Em Lớp Bảy", grade=7)
    other7 = make_student(full_name="Em Bảy Khác", grade=7)
    rnd = _round(people, campaign, units)
    login(client, people["manager"])
    url = f"/quan-tri/dot-trao/{rnd.public_id}"
    page = client.get(url + "?grade=7").get_data(as_text=True)
    offered = page.split("data-offered", 1)[1].split("</table>", 1)[0]
    assert "Em Lớp Bảy" in offered and "Em Bảy Khác" in offered and "Em Lớp Sáu" not in offered
    assert "còn dùng được" in page and "1.000.000" in page  # the balance while building

    response = client.post(
        url + "/them-nhieu",
        data={
            "many-students": [grade7.public_id, other7.public_id],
            "many-asset": "VND",
            "many-amount": "200k",
        },
    )
    assert response.status_code == 302
    db.session.refresh(rnd)
    assert sorted(ln.student_id for ln in rnd.lines) == sorted([grade7.id, other7.id])
    assert all(ln.amount == 200_000 for ln in rnd.lines)
    page = client.get(url).get_data(as_text=True)
    offered = page.split("data-offered", 1)[1].split("</table>", 1)[0]
    assert "Em Lớp Sáu" in offered and "Em Lớp Bảy" not in offered  # already in: not offered
    # Posting one already in the round again adds nothing (all or none).
    client.post(
        url + "/them-nhieu",
        data={
            "many-students": [grade6.public_id, grade7.public_id],
            "many-asset": "VND",
            "many-amount": "1",
        },
    )
    db.session.refresh(rnd)
    assert len(rnd.lines) == 2


def test_other_proposed_rounds_hold_their_share(people, campaign, units, make_student):
    a, b = make_student(full_name="Em A"), make_student(full_name="Em B")
    first = _round(people, campaign, units, "Đợt một")
    svc.add_line(
        people["manager"], first, student_public_id=a.public_id, asset="VND", amount=700_000
    )
    svc.propose(people["manager"], first)
    second = _round(people, campaign, units, "Đợt hai")
    svc.add_line(
        people["manager"], second, student_public_id=b.public_id, asset="VND", amount=500_000
    )
    assert svc.available(second)["VND"] == 300_000
    shortfalls = [str(s) for s in svc.propose_shortfalls(second)]
    assert shortfalls and "thiếu 200.000" in shortfalls[0]


def test_signoff_list_has_guardian_total_and_room_to_sign(
    app, people, campaign, units, make_student
):
    a = make_student(full_name="Em Ký Một", guardian_name="Bà Giám Hộ Một")
    b = make_student(full_name="Em Ký Hai", guardian_name="Ông Giám Hộ Hai")
    rnd = _round(people, campaign, units)
    for s in (a, b):
        svc.add_line(
            people["manager"], rnd, student_public_id=s.public_id, asset="VND", amount=250_000
        )
    db.session.commit()
    text = " ".join(pdf_text(signoff_pdf(rnd, "Quỹ Thử")).split())
    assert "Người giám hộ" in text and "Bà Giám Hộ Một" in text and "Ông Giám Hộ Hai" in text
    assert "Tổng cộng: 2 học sinh" in text and "500.000" in text
    sheet = load_workbook(io.BytesIO(signoff_xlsx(rnd, "Quỹ Thử"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Người giám hộ" in (r or []) for r in values].count(True) == 1
    assert any(r[1] == "Tổng cộng: 2 học sinh" for r in values)
    row = next(i for i, r in enumerate(values, start=1) if r[1] == "Em Ký Hai")
    assert sheet.row_dimensions[row].height >= 40


def test_manager_records_the_hand_over_of_its_own_round(
    client, people, campaign, units, make_student
):
    a = make_student()
    rnd = _round(people, campaign, units)
    svc.add_line(people["manager"], rnd, student_public_id=a.public_id, asset="VND", amount=100_000)
    svc.propose(people["manager"], rnd)
    svc.approve(people["treasurer"], rnd)
    db.session.commit()
    login(client, people["manager"])
    page = client.get(f"/quan-tri/dot-trao/{rnd.public_id}").get_data(as_text=True)
    assert "Ghi nhận trao" in page
    assert client.get(f"/quan-tri/dot-trao/{rnd.public_id}/trao").status_code == 200
    client.post("/dang-xuat")
    login(client, people["manager_b"])
    assert client.get(f"/quan-tri/dot-trao/{rnd.public_id}/trao").status_code in (403, 404)
    assert rnd.status == RoundStatus.approved
