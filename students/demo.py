"""Demo students (all invented), visits, consents, one completed round, outcomes, a sponsor.

Idempotent: students are looked up by their fixed demo public id, the round by its public id,
and ledger postings carry fixed keys and dates.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.ledger import service as ledger
from app.units.models import School, Unit
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignKind, CampaignStatus
from donations.in_kind import stock
from students.care.models import Consent, ConsentScope, Outcome, OutcomeStatus, Visit
from students.care.risk import refresh as refresh_risk
from students.care.risk import weights as risk_weights
from students.registry.codes import name_key
from students.registry.models import Gender, StatusChange, Student, StudentStatus
from students.rounds.handovers import handover_key
from students.rounds.models import (
    AllocationLine,
    AllocationRound,
    Handover,
    HandoverMethod,
    RoundStatus,
)
from students.sponsorship.models import Sponsorship, TermUpdate

FAMILY = ["Lò", "Giàng", "Sùng", "Vàng", "Lường", "Quàng", "Mùa", "Hà", "Lý", "Thào"]
MIDDLE_F, MIDDLE_M = ["Thị", "Thị", "Mỉ"], ["Văn", "A", "Seo"]
GIVEN_F = ["Mai", "Pà", "Xuân", "Lan", "Hoa", "Dợ", "Say", "Chía", "Mỷ", "Nga"]
GIVEN_M = ["Dính", "Tú", "Hùng", "Sinh", "Chứ", "Páo", "Khải", "Lâm", "Vừ", "Tồng"]
ETHNICITIES = ["Thái", "H'Mông", "Dao", "Tày", "Kinh", "Giáy"]
# (school, unit code, grade range): where the demo children study and who follows them.
PLACES = [
    ("Trường PTDTBT TH Bản Mây", "h-ban-may", (3, 5)),
    ("Trường PTDTBT THCS Tà Lùng", "thcs-ta-lung", (6, 9)),
    ("Trường THPT Bản Mây", "thpt-ban-may", (10, 12)),
    ("Trường TH&THCS Nậm Sương", "h-ban-may", (4, 9)),
    ("Trường THPT Suối Hoa", "thpt-suoi-hoa", (10, 12)),
    ("Trường THCS Phong Lan", "h-suoi-hoa", (6, 9)),
    ("Trường THCS Đồi Thông", "tp-son-ha", (6, 9)),
]
COUNT = 60
ROUND_ID = "DT-DEMO01"
# A fixed link for the demo sponsor page (not a secret: demo data only).
DEMO_SPONSOR_LINK = "demo-sponsor-token-1"  # noqa: S105
SCHOOL_YEAR_START = 2026


def _demo_id(n: int) -> str:
    return f"HS-DM{n:03d}"


def _student(rng: random.Random, n: int, schools: dict, units: dict) -> Student | None:
    school_name, unit_code, (low, high) = PLACES[n % len(PLACES)]
    school, unit = schools.get(school_name), units.get(unit_code)
    if school is None or unit is None:
        return None
    female = rng.random() < 0.55
    name = " ".join(
        [
            rng.choice(FAMILY),
            rng.choice(MIDDLE_F if female else MIDDLE_M),
            rng.choice(GIVEN_F if female else GIVEN_M),
        ]
    )
    grade = rng.randint(low, high)
    born = date(SCHOOL_YEAR_START - grade - 6, rng.randint(1, 12), rng.randint(1, 28))
    status = rng.choice(
        [StudentStatus.at_risk] * 4
        + [StudentStatus.not_attending, StudentStatus.dropped_out, StudentStatus.returned]
    )
    student = Student(
        public_id=_demo_id(n),
        full_name=name,
        name_key=name_key(name),
        birth_date=born,
        gender=Gender.female if female else Gender.male,
        ethnicity=rng.choice(ETHNICITIES),
        school_id=school.id,
        grade=grade,
        class_name=f"{grade}{rng.choice('ABC')}",
        commune_id=school.commune_id,
        address=f"Bản {rng.choice(['Nà Lìu', 'Phiêng Mòn', 'Cò Chịa', 'Huổi Lếch'])}",
        guardian_name=" ".join(
            [name.split()[0], "Văn" if rng.random() < 0.6 else "Thị", rng.choice(GIVEN_M + GIVEN_F)]
        ),
        guardian_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
        situations=sorted(
            set(
                rng.sample(
                    ["poor", "near_poor", "orphan", "disability", "other"], k=rng.randint(0, 2)
                )
            )
        ),
        distance_m=rng.choice([1, 2, 4, 6, 8, 11, 14]) * 1000 + rng.choice([0, 0, 500]),
        absences=rng.choice([0, 2, 5, 9, 14, 21]),
        repeated_grade=rng.random() < 0.2,
        status=status,
        unit_id=unit.id,
    )
    student.history.append(
        StatusChange(status=StudentStatus.at_risk, on=date(2026, 9, 10), note="Rà soát đầu năm học")
    )
    if status != StudentStatus.at_risk:
        student.history.append(
            StatusChange(status=status, on=date(2026, 10, 20), note="Cập nhật sau khi thăm")
        )
    if n % 3 != 0:
        scope = [ConsentScope.basic, ConsentScope.named, ConsentScope.none][n % 5 % 3]
        student.consents.append(
            Consent(
                guardian_name=student.guardian_name,
                given_on=date(2026, 9, 20),
                scope=scope,
                child_agreed=True,
            )
        )
    causes = sorted(
        set(
            rng.sample(
                ["economic", "distance", "family", "health", "learning", "work", "marriage"],
                k=rng.randint(1, 3),
            )
        )
    )
    student.visits.append(
        Visit(
            visited_on=date(2026, 10, rng.randint(1, 28)),
            visitors="Tổ công tác xã",
            met="Bố mẹ và em",
            findings="Gia đình khó khăn, em phải phụ giúp việc nương rẫy.",
            causes=causes,
            family_wishes="Mong được hỗ trợ gạo và đồ dùng học tập.",
            child_wishes="Em muốn tiếp tục đi học.",
            actions="Vận động em trở lại lớp; đề xuất học bổng.",
            next_visit_on=date(2027, 1, rng.randint(5, 28)) if n % 2 else date(2026, 12, 5),
        )
    )
    return student


def _general_fund(units: dict) -> Campaign | None:
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == GENERAL_FUND_SLUG)
    ).scalar_one_or_none()
    if campaign is None and units.get("tinh-doan") is not None:
        campaign = Campaign(
            slug=GENERAL_FUND_SLUG,
            title="Quỹ chung Thắp sáng ước mơ",
            kind=CampaignKind.general,
            status=CampaignStatus.published,
            unit_id=units["tinh-doan"].id,
            starts_on=date(2026, 9, 1),
        )
        db.session.add(campaign)
        db.session.flush()
    return campaign


def _round(students: list[Student], units: dict, echo: Callable[[str], None]) -> None:
    if db.session.execute(
        select(AllocationRound.id).where(AllocationRound.public_id == ROUND_ID)
    ).first():
        return
    manager = db.session.execute(
        select(User).where(User.email == "quanly@demo.thapsang.vn")
    ).scalar_one_or_none()
    treasurer = db.session.execute(
        select(User).where(User.email == "thuquy@demo.thapsang.vn")
    ).scalar_one_or_none()
    campaign = _general_fund(units)
    if manager is None or treasurer is None or campaign is None:
        echo("  (bỏ qua đợt trao demo: thiếu người dùng hoặc quỹ chung)")
        return
    from app.auth.guards import unit_subtree_ids

    scope = unit_subtree_ids(units["h-ban-may"].id)
    chosen = sorted((s for s in students if s.unit_id in scope), key=lambda s: -s.risk_score)[:8]
    proposed = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    decided = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)
    rnd = AllocationRound(
        public_id=ROUND_ID,
        title="Đợt trao học kỳ I năm học 2026-2027 — Bản Mây",
        campaign_id=campaign.id,
        unit_id=units["h-ban-may"].id,
        status=RoundStatus.completed,
        created_by_id=manager.id,
        proposed_by_id=manager.id,
        proposed_at=proposed,
        decided_by_id=treasurer.id,
        decided_at=decided,
        created_at=proposed,
    )
    for s in chosen:
        rnd.lines.append(
            AllocationLine(student_id=s.id, asset="VND", amount=500_000, note="Học bổng")
        )
        rnd.lines.append(
            AllocationLine(student_id=s.id, asset="RICE_G", amount=20_000, note="Hũ gạo")
        )
    db.session.add(rnd)
    db.session.flush()
    handover = Handover(
        round_id=rnd.id,
        handed_on=date(2026, 11, 20),
        place="Nhà văn hoá xã Bản Mây",
        method=HandoverMethod.cash,
        handed_by="Bí thư Huyện Đoàn Bản Mây",
        signers="Đại diện nhà trường; Thủ quỹ",
        recorded_by_id=treasurer.id,
        created_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    db.session.add(handover)
    db.session.flush()
    for line in rnd.lines:
        student = next(s for s in chosen if s.id == line.student_id)
        alloc = ledger.post(
            source=campaign.account,
            destination=student.account,
            asset=line.asset,
            amount=line.amount,
            kind="allocation",
            ref=ROUND_ID,
            idempotency_key=f"alloc:{rnd.id}:{line.id}",
            label=student.public_id,
            at=decided,
        )
        given = ledger.post(
            source=student.account,
            destination=ledger.WORLD,
            asset=line.asset,
            amount=line.amount,
            kind="disbursement",
            ref=ROUND_ID,
            idempotency_key=handover_key(line),
            label=student.public_id,
            at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        )
        line.allocation_seq, line.handover_id, line.handover_seq = (
            alloc.entry.seq,
            handover.id,
            given.entry.seq,
        )
        if line.asset != "VND":  # the rice leaves the store of Bản Mây (the in-kind demo's)
            stock.draw(
                rnd.unit_id,
                line.asset,
                line.amount,
                key=handover_key(line),
                ref=ROUND_ID,
                ledger_seq=given.entry.seq,
                note=student.public_id,
                at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
            )
    for n, s in enumerate(chosen):
        status = OutcomeStatus.attending if n % 4 else OutcomeStatus.dropped_out
        db.session.add(
            Outcome(student_id=s.id, term="2026-2027 HK1", status=status, recorded_by_id=manager.id)
        )
    sponsored = chosen[0]
    if (
        db.session.execute(
            select(Sponsorship.id).where(Sponsorship.token == DEMO_SPONSOR_LINK)
        ).first()
        is None
    ):
        db.session.add(
            Sponsorship(
                student_id=sponsored.id,
                donor_name="Nhà hảo tâm Minh An",
                donor_email="minhan@example.com",
                monthly_amount=300_000,
                method="bank",
                token=DEMO_SPONSOR_LINK,
                started_on=date(2026, 11, 1),
                created_by_id=manager.id,
            )
        )
        db.session.add(
            TermUpdate(
                student_id=sponsored.id,
                term="2026-2027 HK1",
                written_by_id=manager.id,
                body="Học kỳ I em đi học đều, điểm trung bình khá. Em cảm ơn cô chú đã giúp đỡ.",
            )
        )
    db.session.flush()
    echo(f"  đợt trao demo {ROUND_ID}: {len(chosen)} học sinh")


def seed_students(echo: Callable[[str], None]) -> None:
    """About 60 invented students across the demo units, with their follow-up."""
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
    schools = {s.name: s for s in db.session.execute(select(School)).scalars()}
    units = {u.code: u for u in db.session.execute(select(Unit)).scalars()}
    table = risk_weights()
    students = []
    for n in range(1, COUNT + 1):
        existing = db.session.execute(
            select(Student).where(Student.public_id == _demo_id(n))
        ).scalar_one_or_none()
        if existing is not None:
            students.append(existing)
            continue
        student = _student(rng, n, schools, units)
        if student is None:
            continue
        db.session.add(student)
        db.session.flush()
        refresh_risk(student, table)
        students.append(student)
    db.session.flush()
    _round(students, units, echo)
    echo(f"  học sinh demo: {len(students)}")
