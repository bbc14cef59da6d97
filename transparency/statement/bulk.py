"""`flask demo bulk --entries N`: a large, realistic synthetic ledger for benchmarks and for
trying the statement's search.

Every entry goes through the ledger's batch posting path (`app.ledger.batch.post_many`: the
same validation, chain, hashes and balance rules as `post()`), one chunk of ~5,000 entries per
transaction: each gift has a reference code and its donation record, most with the bank
transaction that brought them (bank reference); card gifts pay a Stripe fee; campaigns allocate
to students (pseudonymous public ids only, never names) in rounds that are later handed over;
some buy goods (campaign → expense → world); some gifts are rice. A run can be stopped and
started again (each run adds N more). Pledges and receipts are not made: the statement does not
read them. What is derived from the entries is brought up to date once, at the end
(`finish()`): the statement's search index, the Merkle tree, the trace's attribution, the
planner's statistics.

Donor names are invented from common Vietnamese family, middle and given names, with
diacritics; about one gift in eight is anonymous (no public label, not searchable by name).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text

from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.batch import Movement, post_many, table_of
from app.units.models import Unit
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.bank.models import BankTransaction, TxStatus
from donations.models import Donation
from donations.pledges.refcode import ALPHABET, PREFIX, check_char
from transparency.statement import aggregates, indexing
from transparency.trace import attribution
from transparency.verification import tree

FAMILY = [
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trương",
    "Lâm",
    "Mai",
    "Hà",
    "Tạ",
    "Quách",
    "Lương",
    "Triệu",
    "Cao",
]
MIDDLE = [
    "Văn",
    "Văn",
    "Thị",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Ngọc",
    "Thanh",
    "Thu",
    "Quốc",
    "Xuân",
    "Hoài",
    "Gia",
    "Bảo",
    "Kim",
    "Anh",
    "Mỹ",
]
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Châu",
    "Chi",
    "Cường",
    "Dũng",
    "Duy",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Huy",
    "Khánh",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Quyên",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thành",
    "Thủy",
    "Tiến",
    "Trang",
    "Trinh",
    "Trung",
    "Tuấn",
    "Tú",
    "Uyên",
    "Vân",
    "Việt",
    "Vinh",
    "Yến",
    "A",
    "B",
]
GROUPS = (
    "Công ty TNHH Hòa Bình",
    "Chi đoàn Trường THPT Lê Quý Đôn",
    "Nhóm thiện nguyện Ánh Dương",
    "Hội Doanh nhân trẻ tỉnh",
    "Cựu học sinh khoá 2010",
    "Công ty CP Sữa Đồng Xanh",
)
CAMPAIGNS = (
    ("bulk-hoc-bong-2025", "Học bổng Tiếp bước đến trường 2025", CampaignKind.scholarship),
    ("bulk-hu-gao-2025", "Hũ gạo tiếp sức đến trường", CampaignKind.rice_jar),
    ("bulk-ban-tru-2026", "Nhà bán trú cho em 2026", CampaignKind.boarding_house),
    ("bulk-xe-dap-2026", "Xe đạp đến trường 2026", CampaignKind.transport),
    ("bulk-dung-cu-2026", "Dụng cụ học tập cho em", CampaignKind.school_supplies),
    ("bulk-quy-chung", "Quỹ chung Thắp sáng ước mơ", CampaignKind.general),
)
START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=700)


@dataclass(frozen=True)
class _Campaign:
    id: int
    slug: str
    account: str


@dataclass
class _Chunk:
    """One transaction's worth: the movements, and the records that follow their entries."""

    movements: list[Movement] = field(default_factory=list)
    # (index of the gift's movement in `movements`, donation row, bank row or None)
    gifts: list[tuple[int, dict, dict | None]] = field(default_factory=list)

    def add(self, **kwargs) -> int:
        self.movements.append(Movement(**kwargs))
        return len(self.movements) - 1


@dataclass
class _State:
    rng: random.Random
    run: str
    campaigns: list[_Campaign]
    balances: dict[str, int]
    pending_rounds: list[tuple[str, list[tuple[str, int]], str]] = field(default_factory=list)
    made: int = 0


def donor_name(rng: random.Random) -> str:
    """An invented Vietnamese name, with diacritics (or a group's name now and then)."""
    if rng.random() < 0.06:
        return rng.choice(GROUPS)
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def reference(rng: random.Random) -> str:
    body = "".join(rng.choice(ALPHABET) for _ in range(7))
    return PREFIX + body + check_char(body)


def gift_amount(rng: random.Random) -> int:
    if rng.random() < 0.5:
        return rng.choice((50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000))
    return int(rng.lognormvariate(12.6, 0.9)) // 10_000 * 10_000 + 10_000


def _campaigns() -> list[_Campaign]:
    unit = db.session.execute(select(Unit).order_by(Unit.id).limit(1)).scalar_one_or_none()
    if unit is None:
        from app.demo import seed_all

        seed_all(lambda _m: None)
        unit = db.session.execute(select(Unit).order_by(Unit.id).limit(1)).scalar_one()
    out = []
    for slug, title, kind in CAMPAIGNS:
        found = db.session.execute(select(Campaign).where(Campaign.slug == slug)).scalar()
        if found is None:
            found = Campaign(
                slug=slug,
                title=title,
                summary=title,
                kind=kind,
                status=CampaignStatus.published,
                unit_id=unit.id,
                starts_on=date(2025, 1, 1),
            )
            db.session.add(found)
            db.session.flush()
        out.append(_Campaign(found.id, found.slug, found.account))
    return out


def _gift(state: _State, chunk: _Chunk, at: datetime) -> int:
    rng = state.rng
    campaign = rng.choice(state.campaigns)
    name = donor_name(rng)
    anonymous = rng.random() < 0.12
    card = rng.random() < 0.2
    rice = not card and rng.random() < 0.04
    amount = rng.choice((5_000, 10_000, 20_000, 50_000)) * 1000 if rice else gift_amount(rng)
    n = state.made
    code = reference(rng)
    index = chunk.add(
        source="world",
        destination=campaign.account,
        asset="RICE_G" if rice else "VND",
        amount=amount,
        kind="in_kind" if rice else "donation",
        ref=code,
        idempotency_key=f"bulk:{state.run}:{n}",
        label="" if anonymous else name,
        at=at,
    )
    if rice:
        return 1
    state.balances[campaign.account] += amount
    provider = "stripe" if card else "sepay"
    donation = {
        "pledge_id": None,
        "campaign_id": campaign.id,
        "asset": "VND",
        "amount": amount,
        "provider": provider,
        "provider_ref": f"bulk:{state.run}:{n}",
        "received_at": at,
    }
    if card:
        fee = amount * 36 // 1000 + 2_000
        chunk.add(
            source=campaign.account,
            destination="fees:stripe",
            asset="VND",
            amount=fee,
            kind="fee",
            ref=code,
            idempotency_key=f"bulk:{state.run}:{n}:fee",
            label="Phí Stripe",
            at=at,
        )
        state.balances[campaign.account] -= fee
        chunk.gifts.append((index, donation, None))
        return 2
    bank = {
        "provider": "sepay",
        "provider_id": f"bulk-{state.run}-{n}",
        "amount": amount,
        "memo": f"{code} ung ho",
        "bank_reference": f"FT{at:%y%j}{rng.randrange(10**7):07d}{n % 100:02d}",
        "occurred_at": at,
        "dedupe_key": f"bulk|{at:%Y-%m-%d}|{amount}",
        "status": TxStatus.matched,
    }
    chunk.gifts.append((index, donation, bank))
    return 1


def _round(state: _State, chunk: _Chunk, at: datetime) -> int:
    """Allocate to a few students from a campaign that has the money (a round)."""
    rng = state.rng
    campaign = rng.choice(state.campaigns)
    students = rng.randint(3, 12)
    each = rng.choice((500_000, 1_000_000, 1_500_000, 2_000_000))
    if state.balances[campaign.account] < students * each:
        return 0
    public_id = f"RD-{state.run[-4:]}{state.made:07d}"
    lines = []
    for k in range(students):
        student = f"HS-{rng.randrange(36**5):05X}"
        chunk.add(
            source=campaign.account,
            destination=f"student:{student}",
            asset="VND",
            amount=each,
            kind="allocation",
            ref=public_id,
            idempotency_key=f"bulk:{state.run}:{public_id}:{k}",
            label=student,
            at=at,
        )
        lines.append((student, each))
    state.balances[campaign.account] -= students * each
    state.pending_rounds.append((public_id, lines, campaign.account))
    return students


def _hand_over(state: _State, chunk: _Chunk, at: datetime) -> int:
    public_id, lines, _account = state.pending_rounds.pop(0)
    for k, (student, each) in enumerate(lines):
        chunk.add(
            source=f"student:{student}",
            destination="world",
            asset="VND",
            amount=each,
            kind="disbursement",
            ref=public_id,
            idempotency_key=f"bulk:{state.run}:{public_id}:{k}:out",
            label=student,
            at=at,
        )
    return len(lines)


def _purchase(state: _State, chunk: _Chunk, at: datetime) -> int:
    rng = state.rng
    campaign = rng.choice(state.campaigns)
    amount = rng.choice((3_000_000, 8_500_000, 12_000_000, 25_000_000))
    if state.balances[campaign.account] < amount:
        return 0
    public_id = f"DX-{state.run[-4:]}{state.made:07d}"
    what = rng.choice(("Mua 50 bộ sách giáo khoa", "Mua 20 xe đạp", "Sửa mái lớp học", "Mua gạo"))
    account = f"expense:{campaign.slug}"
    label = f"{what} · HĐ {rng.randrange(10**7):07d}"
    for kind, source, destination in (
        ("purchase", campaign.account, account),
        ("expense", account, "world"),
    ):
        chunk.add(
            source=source,
            destination=destination,
            asset="VND",
            amount=amount,
            kind=kind,
            ref=public_id,
            idempotency_key=f"bulk:{state.run}:{public_id}:{kind}",
            label=label,
            at=at,
        )
    state.balances[campaign.account] -= amount
    return 2


def _write(chunk: _Chunk) -> None:
    """Post the chunk's movements in one batch, then its donations and bank rows in bulk."""
    posted = post_many(chunk.movements)
    if not chunk.gifts:
        return
    now = utcnow()
    donations = table_of(Donation)
    rows = [
        {**donation, "ledger_seq": posted[index].seq, "created_at": now}
        for index, donation, _bank in chunk.gifts
    ]
    db.session.execute(insert(donations), rows)
    # The new ids by their unique key (RETURNING in order would make SQLite insert row by row).
    keys = [row["provider_ref"] for row in rows]
    ids = dict(
        db.session.execute(
            select(donations.c.provider_ref, donations.c.id).where(
                donations.c.provider_ref.in_(keys)
            )
        )
        .tuples()
        .all()
    )
    banks = [
        {**bank, "donation_id": ids[donation["provider_ref"]], "received_at": now, "raw": {}}
        for _index, donation, bank in chunk.gifts
        if bank is not None
    ]
    if banks:
        db.session.execute(insert(table_of(BankTransaction)), banks)


def build(
    entries: int,
    *,
    seed: int = 2026,
    chunk: int = 5000,
    checkpoint: Callable[[], None] = lambda: None,
    echo: Callable[[str], None] = lambda _m: None,
) -> int:
    """Post about `entries` entries (never fewer), a chunk per `checkpoint()`; returns how many.

    Only the ledger, donations and bank rows are written here: call `finish()` afterwards.
    """
    run = f"{seed}-{ledger.head()[0]}"
    rng = random.Random(run)  # each run (a larger ledger) draws new references
    campaigns = _campaigns()
    balances = {c.account: ledger.balance(c.account) for c in campaigns}
    state = _State(rng, run, campaigns, balances)
    while state.made < entries:
        batch = _Chunk()
        while state.made < entries and len(batch.movements) < chunk:
            at = START + SPAN * state.made // max(entries, 1)
            at = at + timedelta(seconds=rng.randint(0, 3600))
            roll = rng.random()
            if state.pending_rounds and roll < 0.05:
                made = _hand_over(state, batch, at)
            elif roll < 0.12:
                made = _round(state, batch, at)
            elif roll < 0.125:
                made = _purchase(state, batch, at)
            else:
                made = _gift(state, batch, at)
            state.made += made
        _write(batch)
        checkpoint()
        db.session.expunge_all()  # the balance rows post_many read: nothing is kept across chunks
        echo(f"  {state.made}/{entries}")
    return state.made


def finish(
    checkpoint: Callable[[], None] = lambda: None,
    echo: Callable[[str], None] = lambda _m: None,
    chunk: int = 50_000,
) -> None:
    """Bring what derives from the entries up to the chain, once, after a bulk load: the
    statement's index (one transaction, `indexing.catch_up_bulk`) and its totals tables, the
    Merkle tree (committed
    every `chunk` entries, so a stopped run resumes), the trace's attribution, then fresh
    planner statistics for the grown tables."""
    upto = indexing.ledger_upto(db.session.connection())
    indexing.catch_up_bulk(chunk, lambda done, upto: echo(f"  index {done}/{upto}"))
    checkpoint()
    echo(f"  totals {aggregates.catch_up()}")
    checkpoint()
    while True:
        before = tree.tree_size()
        size = tree.sync(limit=chunk)
        checkpoint()
        if size == before:
            break
        echo(f"  merkle {size}/{upto}")
    echo(f"  trace {attribution.sync_all()}")
    checkpoint()
    analyze()
    checkpoint()


def analyze() -> None:
    """Planner statistics after a bulk load (on PostgreSQL autovacuum would get there later)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        db.session.execute(text("ANALYZE"))
    elif dialect == "postgresql":
        for table in (
            "ledger_entries",
            "statement_index",
            "statement_totals_day",
            "statement_totals_amount",
            "merkle_nodes",
            "trace_lots",
        ):
            db.session.execute(text(f"ANALYZE {table}"))  # noqa: S608 - fixed names
        # The name index's pending list (what fast GIN inserts leave), else read linearly.
        db.session.execute(text("SELECT gin_clean_pending_list('ix_statement_index_name_fts')"))
